"""The relevance test set: how clerks actually ask, with the demo FAQ (by
key, kb/demo.py) that answers each question. Written by the project; the
queries avoid the FAQ's own wording on purpose."""

QUERIES = [
    ("证照做不出来，说模板没发布", "el_make_fail"),
    ("出证的时候报错模板有问题", "el_make_fail"),
    ("电子执照生成不了", "el_make_fail"),
    ("发证时盖章不成功", "el_sign_ca"),
    ("电子证照签发的时候签章出错", "el_sign_ca"),
    ("老百姓手机上看不到我们发的电子证书", "el_not_show_app"),
    ("证照发了app卡包里没有", "el_not_show_app"),
    ("证照上名字写错了想重新发一个", "el_revoke"),
    ("已经发出去的证照能不能改", "el_revoke"),
    ("模板要加一个字段", "el_template_field"),
    ("一次性生成几百个证照", "el_batch"),
    ("excel导入批量出证", "el_batch"),
    ("我们单位的公章在印章系统里没有", "es_claim"),
    ("印章认领在哪里操作", "es_claim"),
    ("想新刻一个电子章要准备什么", "es_make"),
    ("制章申请要几天", "es_make"),
    ("key过期了盖不了章", "es_ukey_expire"),
    ("数字证书失效了怎么续期", "es_ukey_expire"),
    ("管章子的人调走了，授权咋弄", "es_change_person"),
    ("认领完事项找不到实施清单", "si_claim_missing"),
    ("领了事项之后清单里没显示", "si_claim_missing"),
    ("省里目录改了我们县没变", "si_catalog_publish"),
    ("目录清单更新了县上不同步", "si_catalog_publish"),
    ("实施清单被退回来了", "si_review_reject"),
    ("清单审核不通过怎么改", "si_review_reject"),
    ("事项审完了网上搜不到", "si_publish_online"),
    ("办事指南的材料要改一下", "si_material"),
    ("申请材料清单写错了", "si_material"),
    ("件超时了怎么办", "ch_overdue"),
    ("办件逾期了要写说明吗", "ch_overdue"),
    ("收件的时候说事项没配置", "ch_accept_fail"),
    ("受理报错事项未配置", "ch_accept_fail"),
    ("件收错部门了想退回去", "ch_transfer"),
    ("怎么转办给别的部门", "ch_transfer"),
    ("群众材料不全要补材料，时间怎么停", "ch_suspend"),
    ("受理通知书打不出来", "ch_print"),
    ("一件事套餐怎么建", "ot_config"),
    ("联办主题网上看不见", "ot_not_visible"),
    ("一件事的件怎么分给各个部门", "ot_handle"),
    ("群众给了差评我们要做什么", "ev_bad_review"),
    ("不满意评价多久要整改", "ev_bad_review"),
    ("评价二维码去哪里弄", "ev_qrcode"),
    ("导出我们单位的评价数据", "ev_stats"),
    ("被人恶意打差评能申诉不", "ev_appeal"),
    ("密码忘了进不去系统", "bm_password"),
    ("换了手机号收不到验证码，重置不了密码", "bm_password"),
    ("新同事要开个账号", "bm_add_user"),
    ("登进去了菜单少了几个", "bm_permission"),
    ("点了提示没有权限操作", "bm_permission"),
    ("账号锁住了", "bm_locked"),
    ("密码输错太多次登不上了", "bm_locked"),
    ("部门改名了系统里怎么改", "bm_org_change"),
    ("乡镇合并了系统还是老的", "bm_region"),
    ("资源目录怎么填", "rc_catalog"),
    ("数据表挂不上资源目录", "rc_mount"),
    ("网站上发个通知公告", "bs_news"),
    ("分站点打开一片空白", "bs_page_error"),
    ("州网站办事入口点了跳错地方", "bs_link"),
    ("手机app实名认证一直失败", "tf_login"),
    ("天府通办上搜不到我们县的事项", "tf_service_missing"),
    ("在手机上交的申请怎么看进度", "tf_progress"),
    ("用哪个浏览器比较好", "gen_browser"),
    ("驻场工程师电话多少", "gen_contact"),
    ("ukey插上去电脑没反应", "gen_ukey_driver"),
]


def reciprocal_rank(ranked_keys: list[str], expected: str, depth: int = 10) -> float:
    for position, key in enumerate(ranked_keys[:depth], start=1):
        if key == expected:
            return 1.0 / position
    return 0.0


def evaluate(rank_fn) -> dict[str, float]:
    """MRR@10 and recall@5 of rank_fn(query) -> list of FAQ keys, best first."""
    rr, found = [], []
    for query, expected in QUERIES:
        keys = rank_fn(query)
        rr.append(reciprocal_rank(keys, expected))
        found.append(expected in keys[:5])
    return {"mrr@10": sum(rr) / len(rr), "recall@5": sum(found) / len(found)}
