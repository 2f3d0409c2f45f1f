"""One-time passwords read out over the phone: no characters that look
alike (0/O, 1/l/I), grouped for reading. No Django here."""

import secrets

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789"
GROUPS, GROUP_LENGTH = 3, 4


def one_time_password(choice=secrets.choice) -> str:
    return "-".join("".join(choice(ALPHABET) for _ in range(GROUP_LENGTH)) for _ in range(GROUPS))
