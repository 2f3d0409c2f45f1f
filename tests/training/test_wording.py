"""The training effect sentence, on the pages and in the Chinese reports."""

from django.utils import translation

from training import needs
from training.wording import effect_verdict


def test_the_effect_is_told_in_the_readers_language():
    big, small = needs.Effect(40, 100, 20, 100), needs.Effect(3, 5, 1, 6)
    with translation.override("zh-hans"):
        assert effect_verdict(big) == (
            "参训部门咨询类工单占比培训前40.0%（40/100），培训后20.0%（20/100），下降20.0个百分点。"
        )
        assert "仅供参考" in effect_verdict(small)
        assert "暂无法评估成效" in effect_verdict(needs.Effect(0, 0, 1, 3))
    with translation.override("en"):
        assert effect_verdict(big).endswith("down 20.0 percentage points.")
        assert "for reference only" in effect_verdict(small)
