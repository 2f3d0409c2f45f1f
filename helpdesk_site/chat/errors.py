class ChatRefused(Exception):
    """A chat action that is not carried out, with a code for programs, a
    message for people, and the HTTP status it maps to."""

    def __init__(self, code: str, message: str, status: int = 400, **extra):
        super().__init__(message)
        self.code = code
        self.message = str(message)
        self.status = status
        self.extra = extra

    def as_dict(self) -> dict:
        return {"error": self.code, "message": self.message, **self.extra}


class AccountChanged(Exception):
    """The session or account a post was checked against is no longer as it
    was read (selectors.AccountStanding): read the user again and retry."""
