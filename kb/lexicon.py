"""The knowledge base's words: domain terms, stop words, synonyms and asking words.

Pure data, no Django. DOMAIN.md's vocabulary and the subsystem names are added
to jieba's dictionary so they stay whole words; the synonym groups map the way
clerks ask ("盖不了章", "看不到", "交税") to the words answers use ("制章",
"不显示", "纳税"). General groups hold in any text; platform groups only in
text about the platform (one that names one of PLATFORM_MARKERS), since in
ordinary language 投诉 is no 差评 and 超期 no 超期件.
"""

# Whole words jieba must not split (DOMAIN.md, the subsystem names and the
# platform's everyday objects).
DOMAIN_TERMS = [
    "甘孜州",
    "甘孜藏族自治州",
    "政务服务",
    "政务服务网",
    "四川政务服务网",
    "一体化政务服务平台",
    "基础管理平台",
    "事项管理系统",
    "一件事一次办",
    "一件事",
    "综合受办平台",
    "电子证照",
    "电子证照管理系统",
    "电子印章",
    "电子印章管理系统",
    "统一好差评平台",
    "好差评",
    "差评",
    "政务资源目录管理系统",
    "政务资源目录",
    "分站点",
    "天府通办",
    "实施清单",
    "目录清单",
    "认领",
    "制章",
    "办件",
    "超期件",
    "受理",
    "编目",
    "驻场",
    "运维",
    "工单",
    "回访整改",
    "证照目录",
    "签章",
    "用章",
    "组织机构",
    "统一社会信用代码",
    "主题集成服务",
    "办事指南",
    "事项编码",
    "乡镇街道",
    "便民服务中心",
    "CA证书",
    "UKey",
]

# Words that carry no meaning for matching: particles, pronouns, politeness,
# and the filler of a colloquial question.
STOP_WORDS = frozenset(
    """
    的 了 吗 呢 吧 啊 呀 哦 么 嘛 是 在 和 与 及 或 也 都 就 还 又 再 把 被 让 给 对 向 从 到 于
    我 你 他 她 它 我们 你们 他们 咱们 自己 这 那 这个 那个 这些 那些 这样 那样 这里 那里 哪 哪里
    一个 一下 一些 有点 有些 一直 已经 现在 今天 刚才 为什么 为啥 怎么 怎么办 怎么样 怎样 如何
    什么 啥 请问 请 麻烦 帮忙 帮 谢谢 您好 你好 老师 同志 工程师 问题 情况 时候 可以 能 能不能
    会 要 想 需要 应该 得 地 着 过 个 之 其 而 但 但是 因为 所以 如果 然后 还是 就是 只是 不是
    有 没 没有 里 上 下 中 后 前 时 等 等等 该 咋 咋办 咋样 一样 弄 搞 做 呗 哈 嗯 额 呃 不 太 说
    """.split()  # noqa: SIM905 - a block of words reads better than 200 quoted ones
)

# Single characters that say nothing of what is asked: the character
# features of the re-ranker (kb.reranking) leave them out.
STOP_CHARACTERS = frozenset(
    "的了吗呢吧啊呀么是在和与及或也都就还又再把被让给对向从到于我你他她它这那哪啥怎什如何能会要想可以有没不"
)

# Each group: words that mean the same thing in any text (colloquial and
# official words of everyday government services, and their abbreviations).
# A query word found in a group also searches the group's other words (at a
# lower weight).
GENERAL_SYNONYMS = [
    ["登录", "登陆", "登入", "登不上", "进不去", "上不去"],
    ["密码", "口令"],
    ["忘记", "忘了", "记不得", "想不起"],
    ["账号", "帐号", "账户", "用户名"],
    ["营业执照", "执照"],
    ["删除", "删掉", "移除"],
    ["打印", "打出来"],
    ["下载", "导出", "下下来"],
    ["到期", "失效", "过期"],
    ["交税", "纳税", "缴税", "报税", "办税"],
    ["申报", "报税"],
    ["个税", "个人所得税"],
    ["社保", "社会保险", "社会保险费", "社保费"],
    ["医保", "医疗保险", "医疗保障", "医保费"],
    ["公积金", "住房公积金"],
    ["人社", "人力资源和社会保障", "人力资源社会保障", "人社局", "人社厅"],
    ["工信部", "工业和信息化部"],
    ["发改委", "发展改革委", "发展和改革委员会"],
    ["专票", "增值税专用发票"],
    ["车购税", "车辆购置税"],
    ["房产证", "不动产权证", "不动产", "产证"],
    ["晚交", "缓交", "缓缴", "延期缴纳", "延缴"],
    ["晚点报", "延期申报", "延报"],
    ["退钱", "退还", "退回", "退费"],
    ["免交", "免征", "减免", "免收"],
    ["补贴", "补助", "奖补"],
    ["房租", "租金"],
    ["开工", "复工", "开复工", "复产"],
    ["上班", "返岗", "到岗", "复工"],
    ["吃饭", "就餐", "用餐"],
    ["看病", "就医", "就诊"],
    ["垫钱", "垫付"],
    ["外省", "异地", "跨省"],
    ["打官司", "诉讼"],
    ["捐款", "捐赠", "募捐"],
    ["挪用", "挪作他用"],
    ["密接", "密切接触者"],
    ["网站", "网址", "官网"],
    ["网上办", "网上办理", "线上办理", "不见面", "非接触式"],
    ["医护", "医护人员", "医务人员", "医生"],
    ["大学", "高校"],
    ["小区", "居民区", "社区"],
    ["涨价", "哄抬", "价格"],
    ["假信息", "虚假信息"],
    ["错开", "错峰", "分时"],
    ["火车", "铁路", "列车"],
    ["火车站", "客运站", "车站"],
    ["高速", "收费公路", "高速公路"],
    ["小企业", "小微企业", "中小企业", "中小微企业"],
    ["个体户", "个体工商户"],
    ["缺钱", "资金压力", "现金流"],
    ["买设备", "购置设备"],
    ["扣税", "税前扣除"],
    ["寄", "邮寄", "寄递"],
    ["查货", "查验"],
]

# Each group: words that mean the same thing to a clerk of the platform's
# operations. These count only on platform text (PLATFORM_MARKERS).
PLATFORM_SYNONYMS = [
    ["制作", "生成", "出证", "做证", "开证", "开具", "签发"],
    ["电子证照", "电子证书", "电子证件", "电子执照", "证照"],
    ["失败", "报错", "出错", "错误", "异常", "不成功", "不了", "不行", "弄不了", "搞不定"],
    ["看不到", "看不见", "不显示", "找不到", "查不到", "没显示", "搜不到", "不见了", "消失"],
    ["重置", "找回", "修改", "改"],
    ["认领", "领取", "关联"],
    ["制章", "刻章", "做章", "盖章", "印章制作"],
    ["电子印章", "电子章", "公章", "章"],
    ["签章", "用章", "盖章"],
    ["实施清单", "办事事项", "事项"],
    ["目录清单", "目录"],
    ["发布", "上线", "公开", "上架", "挂网"],
    ["审核", "审批", "审查", "过审"],
    ["驳回", "退回", "打回", "不通过"],
    ["办件", "案件", "业务件", "件"],
    ["超期件", "超期", "逾期", "超时", "过期"],
    ["受理", "接件", "收件"],
    ["好差评", "评价", "打分", "评分"],
    ["差评", "不满意", "投诉"],
    ["天府通办", "APP", "app", "手机", "移动端", "手机端"],
    ["分站点", "网站", "门户", "网页", "页面"],
    ["新闻", "动态", "资讯", "通知公告"],
    ["编目", "挂接", "资源目录"],
    ["权限", "菜单", "功能权限", "角色"],
    ["组织机构", "部门", "单位", "机构"],
    ["人员", "工作人员", "用户", "同事"],
    ["新增", "添加", "增加", "新建", "加"],
    ["注销", "删除", "删掉", "去掉"],
    ["变更", "调整", "更换", "换"],
    ["打印", "纸质"],
    ["上传", "传", "附件"],
    ["卡", "卡顿", "转圈", "慢", "加载", "打不开", "白屏", "空白"],
    ["CA证书", "UKey", "ukey", "key", "数字证书", "证书"],
    ["短信", "验证码"],
    ["统计", "报表", "数据"],
    ["办事指南", "指南", "材料", "申请材料"],
    ["一件事一次办", "一件事", "套餐", "联办"],
    ["区划", "行政区划", "乡镇", "村"],
    ["推送", "同步", "对接", "共享"],
]

# Words only text about the platform uses: the subsystems and their objects.
# A document with one of them is platform text.
PLATFORM_MARKERS = frozenset(
    word.lower()
    for word in (
        "电子证照",
        "证照",
        "电子印章",
        "制章",
        "签章",
        "用章",
        "印章",
        "好差评",
        "差评",
        "天府通办",
        "实施清单",
        "目录清单",
        "认领",
        "办件",
        "超期件",
        "一件事一次办",
        "综合受办平台",
        "事项管理系统",
        "基础管理平台",
        "分站点",
        "政务资源目录",
        "编目",
        "工单",
        "驻场",
        "运维",
        "回访整改",
        "证照目录",
        "事项编码",
        "主题集成服务",
        "四川政务服务网",
        "一体化政务服务平台",
        "CA证书",
        "UKey",
        "系统",
        "账号",
        "权限",
        "菜单",
    )
)

# What a question asks for, by the words that ask it: a place, a person, a
# time, an amount, a way to get in touch, a yes or no, a procedure. Most of
# these words are stop words to the search (they match everything), yet two
# FAQs that share their subject often differ just here ("寄到哪" wants the
# 邮寄地址, not the 邮寄方式). The re-ranker (kb.reranking) compares the kinds
# the query asks with those the FAQ's question asks.
QUESTION_KINDS = {
    "place": (
        "哪里",
        "哪儿",
        "在哪",
        "去哪",
        "到哪",
        "何处",
        "什么地方",
        "地址",
        "地点",
        "网址",
        "网站",
        "官网",
    ),
    "person": ("谁", "哪些人", "什么人", "哪类人", "人群", "对象"),
    "time": (
        "什么时候",
        "啥时候",
        "何时",
        "几点",
        "哪天",
        "多久",
        "多长时间",
        "日期",
        "期限",
        "截止",
        "时间",
    ),
    "amount": ("多少", "几", "标准", "金额", "比例", "费用"),
    "contact": ("电话", "热线", "联系方式", "号码", "邮箱"),
    "yes_or_no": ("吗", "是否", "能不能", "可不可以", "是不是", "有没有"),
    "procedure": ("怎么", "如何", "怎样", "咋", "流程", "步骤", "程序"),
}
