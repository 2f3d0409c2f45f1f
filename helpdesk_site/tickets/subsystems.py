"""The platform's subsystems as shipped (DOMAIN.md); admins may edit them later."""

from typing import NamedTuple


class DefaultSubsystem(NamedTuple):
    code: str
    name: str
    name_en: str
    description: str


DEFAULT_SUBSYSTEMS = [
    DefaultSubsystem(
        "basic_mgmt", "基础管理平台", "Basic management platform", "区划、机构、人员账号、权限"
    ),
    DefaultSubsystem(
        "service_items",
        "事项管理系统",
        "Service item management",
        "目录清单与实施清单的配置、认领、编辑、审核、发布",
    ),
    DefaultSubsystem(
        "one_thing", "一件事一次办", "One thing, one go", "“一件事”集成服务的配置与办理"
    ),
    DefaultSubsystem(
        "case_handling", "综合受办平台", "Case handling platform", "办件受理、办理、超期件"
    ),
    DefaultSubsystem(
        "e_license", "电子证照管理系统", "Electronic licence system", "电子证照的制作与签发"
    ),
    DefaultSubsystem("e_seal", "电子印章管理系统", "Electronic seal system", "印章认领与制章"),
    DefaultSubsystem(
        "evaluation", "统一好差评平台", "Service evaluation (好差评)", "群众对政务服务的评价"
    ),
    DefaultSubsystem(
        "resource_catalog", "政务资源目录管理系统", "Government resource catalogue", "政务资源编目"
    ),
    DefaultSubsystem(
        "branch_site",
        "四川政务服务网甘孜州分站点",
        "Sichuan service portal, Ganzi branch",
        "州分站点页面、主题集成服务、新闻",
    ),
    DefaultSubsystem(
        "tianfu_app", "“天府通办”APP分站点", "Tianfu Tongban app, Ganzi branch", "移动端州分站点"
    ),
]
