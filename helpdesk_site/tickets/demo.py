"""Demo ticket texts: what clerks in Ganzi actually write about. Pure Python.

Each ticket is drawn from its own seeded random generator, so ticket number
i is the same on every machine and every run.
"""

import datetime as dt
import random
from dataclasses import dataclass

ITEMS = [
    "个体工商户设立登记",
    "城乡居民养老保险参保登记",
    "残疾人证办理",
    "不动产登记",
    "食品经营许可",
    "建设工程规划许可",
    "医师执业注册",
    "临时救助申请",
    "准生证办理",
    "道路运输经营许可",
    "农村宅基地审批",
    "营业执照变更",
]
LICENCES = ["营业执照", "食品经营许可证", "残疾人证", "结婚证", "不动产权证书", "道路运输证"]
ERRORS = [
    "页面一直转圈",
    "提示“系统繁忙，请稍后再试”",
    "报错500",
    "提示“无权限”",
    "点击没有反应",
    "提示“数据校验失败”",
    "显示空白页",
]

# subsystem -> (titles, descriptions, operator replies, resolutions); {item},
# {licence} and {error} are filled in per ticket.
TEXTS = {
    "basic_mgmt": (
        [
            "新入职人员账号无法登录",
            "机构调整后人员归属不对",
            "{item}经办人权限缺失",
            "账号被锁定需要解锁",
        ],
        [
            "我单位新来的同事账号开好了，但是登录时{error}，麻烦帮忙看一下。",
            "乡镇机构改革后，我们的人员还挂在原来的机构下，导致{item}看不到待办。",
        ],
        ["已收到，正在核对账号所属机构和角色配置。", "请提供一下账号和截图，我们这边查一下。"],
        [
            "原因是账号未分配所属机构的角色，已重新授权，请重新登录。",
            "已将人员迁移到新机构并刷新权限缓存。",
        ],
    ),
    "service_items": (
        [
            "{item}认领后看不到",
            "实施清单发布失败",
            "目录清单与实施清单不一致",
            "{item}审核一直不通过",
        ],
        [
            "我们在事项管理系统认领了“{item}”，但在实施清单里找不到，{error}。",
            "编辑“{item}”实施清单后点发布，{error}，已经试了好几次。",
        ],
        ["正在排查，可能是认领后未同步到实施清单。", "请确认一下事项编码，我们在后台核对。"],
        [
            "实施清单同步任务失败，已手工重新同步，事项已可见。",
            "办理材料字段超长导致校验失败，已指导修改后发布成功。",
        ],
    ),
    "one_thing": (
        ["“一件事”套餐配置后群众端看不到", "一件事一次办流程节点报错", "联办事项无法推送到部门"],
        [
            "我们配置的“开办企业一件事”在群众端{error}。",
            "办理“{item}”联办时，流转到下一个部门{error}。",
        ],
        ["已联系省平台确认推送接口状态。", "请提供办件编号，我们查询流转日志。"],
        ["套餐未关联实施清单版本，已重新关联并发布。", "部门接收人未配置，已补充配置后重新推送。"],
    ),
    "case_handling": (
        ["办件无法受理", "超期件统计不准确", "{item}办件卡在审批环节", "办件材料上传失败"],
        [
            "窗口受理“{item}”时，点击受理{error}，群众在现场等着，请尽快处理。",
            "本月超期件统计里有已经办结的件，{error}，影响考核。",
        ],
        ["已收到，正在紧急处理。", "请把办件编号发一下，我们核查流转记录。"],
        [
            "审批节点办理人离职未交接，已转派给新办理人。",
            "统计口径未排除挂起时间，已修正并重新生成统计。",
        ],
    ),
    "e_license": (
        ["电子证照无法制作", "{licence}电子证照签章失败", "电子证照模板缺少字段", "证照数据未归集"],
        [
            "制作{licence}电子证照时{error}，群众急着用证。",
            "我们的{licence}已经发了，但电子证照库里查不到。",
        ],
        ["正在检查证照模板和签章服务。", "请提供证照编号，我们核对归集日志。"],
        ["证照模板版本过期，已更新模板后重新制证。", "签章证书到期，已更新证书并补签。"],
    ),
    "e_seal": (
        ["电子印章认领失败", "制章申请一直待审核", "电子印章无法加盖", "印章信息有误需要变更"],
        ["认领单位电子印章时{error}。", "申请制章已经提交一周了，一直显示待审核，请帮忙催一下。"],
        ["已联系印章管理部门核实审核进度。", "请确认单位统一社会信用代码是否正确。"],
        ["单位信用代码与印章库不一致，已更正后认领成功。", "审核人员已完成审核，印章已制作。"],
    ),
    "evaluation": (
        ["好差评数据未回传", "差评整改工单无法提交", "评价二维码无法生成"],
        ["窗口的好差评数据在统一好差评平台看不到，{error}。", "提交差评整改反馈时{error}。"],
        ["正在核对评价数据回传接口。", "请提供评价编号。"],
        ["评价器设备编码未绑定窗口，已重新绑定。", "整改反馈附件超限，已指导压缩后提交。"],
    ),
    "resource_catalog": (
        ["政务资源编目提交失败", "资源目录挂接数据失败", "编目信息项无法编辑"],
        ["资源目录编目提交时{error}。", "挂接数据库表时{error}，请协助。"],
        ["正在查看编目校验规则。", "请提供资源目录编号。"],
        ["信息项类型与数据源不匹配，已修正后挂接成功。", "编目审核流程配置缺失，已补充。"],
    ),
    "branch_site": (
        ["分站点新闻发布后不显示", "主题集成服务页面打不开", "分站点办事指南内容错误"],
        ["在甘孜州分站点发布的新闻，前台{error}。", "分站点“{item}”主题页面{error}。"],
        ["正在检查站点缓存和发布状态。", "请提供页面地址。"],
        ["站点静态化缓存未刷新，已刷新。", "办事指南引用了旧版实施清单，已更新。"],
    ),
    "tianfu_app": (
        ["天府通办APP上找不到本县事项", "天府通办办件进度不更新", "APP分站点页面加载慢"],
        [
            "群众反映在“天府通办”上搜不到“{item}”，{error}。",
            "群众在APP上提交的办件，进度一直不变。",
        ],
        ["正在核对事项在移动端的发布渠道配置。", "请提供群众办件编号。"],
        ["事项未勾选移动端发布渠道，已勾选并重新发布。", "进度同步任务积压，已处理。"],
    ),
}

CATEGORY_WEIGHTS = {"fault": 50, "consultation": 22, "support": 18, "emergency": 3, "suggestion": 7}


@dataclass(frozen=True)
class DemoTicket:
    subsystem: str
    category: str
    priority: int
    title: str
    description: str
    reply: str
    resolution: str


def _fill(text: str, rng: random.Random) -> str:
    return text.format(
        item=rng.choice(ITEMS), licence=rng.choice(LICENCES), error=rng.choice(ERRORS)
    )


def demo_ticket(index: int, seed: int = 513300) -> DemoTicket:
    rng = random.Random(seed * 1_000_003 + index)
    subsystem = rng.choice(list(TEXTS))
    titles, descriptions, replies, resolutions = TEXTS[subsystem]
    category = rng.choices(list(CATEGORY_WEIGHTS), weights=list(CATEGORY_WEIGHTS.values()))[0]
    if category == "emergency":
        priority = 1
    else:
        priority = rng.choices([1, 2, 3, 4, 5], weights=[3, 15, 60, 15, 7])[0]
    return DemoTicket(
        subsystem=subsystem,
        category=category,
        priority=priority,
        title=_fill(rng.choice(titles), rng),
        description=_fill(rng.choice(descriptions), rng),
        reply=rng.choice(replies),
        resolution=rng.choice(resolutions),
    )


# Rated share of resolved demo tickets, and the spread of their scores (5 best).
RATED_SHARE = 0.4
SCORE_WEIGHTS = {5: 52, 4: 24, 3: 10, 2: 8, 1: 6}
RATING_COMMENTS = {
    5: ["处理很及时，谢谢！", "工程师耐心指导，问题当天解决。", ""],
    4: ["问题解决了，响应还可以更快一些。", ""],
    3: ["解决了，但来回沟通了好几次。", ""],
    2: ["等了两天才有人回复，群众在窗口等着。", "说是解决了，第二天又出现同样的问题。"],
    1: ["一直没人处理，最后还是自己找省平台解决的。", "回复的方法不管用，问题仍然存在。"],
}
# 回访整改 steps of a 差评, in order: (step, its text).
FOLLOW_UP_TEXTS = [
    ("verify", "已核实：报告人反映情况属实，处理过程中响应不及时。"),
    ("call_back", "已电话回访报告人，说明原因并致歉，报告人表示理解。"),
    ("rectify", "已整改：调整值班安排，同类问题改为当天响应，并补充知识库条目。"),
]


@dataclass(frozen=True)
class DemoRating:
    score: int
    comment: str
    after: dt.timedelta  # from the resolution to the rating
    # The follow-up steps a 差评 gets, each with its delay after the one before.
    steps: list[tuple[str, dt.timedelta, str]]


def demo_rating(index: int, seed: int = 513300) -> DemoRating | None:
    """The rating resolved demo ticket number `index` gets, if any: most are
    good, a few are 差评 whose follow-ups stop at different steps."""
    rng = random.Random(seed * 7_000_003 + index)
    if rng.random() >= RATED_SHARE:
        return None
    score = rng.choices(list(SCORE_WEIGHTS), weights=list(SCORE_WEIGHTS.values()))[0]
    done = rng.choice([0, 1, 2, 3, 3])
    steps = [
        (step, dt.timedelta(hours=rng.randint(2, 120)), text)
        for step, text in FOLLOW_UP_TEXTS[:done]
    ]
    return DemoRating(
        score=score,
        comment=rng.choice(RATING_COMMENTS[score]),
        after=dt.timedelta(hours=rng.randint(1, 72)),
        steps=steps,
    )
