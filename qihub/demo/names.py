"""Organisation names that read like real Liaoning registrations, and never repeat.

A company name is place + trade name (字号) + line of business + legal form, as the enterprise
name rules require: 沈阳 + 恒瑞 + 阀门 + 制造有限公司. Public institutions are named after the
place they serve (沈阳市计量测试院) and are built in ``organisations.py``.

Names stay unique without remembering them (a national run makes a million): for each pair
(place prefix, business-and-form tail) a counter runs through a seeded permutation of all
two-character trade names. Two names from different pairs cannot be equal either: with trade names
of fixed length, equal names need the same prefix, unless one prefix extends another (沈阳 and
沈阳市铁西区); the character that extends it (市) is then never a trade name's first character.
Names of fixed organisations (regulators, public institutions) are passed in as ``reserved``.
Tails of different kinds never coincide (tested), so each pair belongs to one kind's stream and
a kind's names do not depend on how many of another kind a scale has.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from math import gcd

from pypinyin import lazy_pinyin

from qihub.accounts.models import Organisation

Kind = Organisation.Kind

# Characters trade names are made of (吉祥字): pairs of them give the familiar 恒瑞, 鑫达, 博远.
TRADE_NAME_CHARACTERS = (
    "华盛鑫恒泰宏瑞达通远航信诚源晟昊天宇博嘉佳德利丰益金瀚卓越创奥辰星光明润泽汇聚隆昌荣旺"
    "富祥福康健优锐辉耀腾飞翔鹏凯威正道方圆立志成科智精实合众邦鼎力峰岳川江林森松柏青蓝云晶"
    "钰铭钧尚品雅致联帆舟亿万坤乾亨睿顺安兴新海长东北中永久同和宁强广宝胜捷迅驰骏豪杰英伟弘"
    "毅敏诺"
)
# Never a trade name's first character: these would read as part of an administrative name.
ADMINISTRATIVE_CHARACTERS = frozenset("省市县区州盟旗镇乡村")

# Legal forms with relative frequencies (公司法: 有限责任公司 / 股份有限公司).
PLAIN_FORMS = (("有限公司", 6), ("有限责任公司", 2), ("股份有限公司", 1))
GENERAL_FORMS = (("有限公司", 6), ("科技有限公司", 2), ("有限责任公司", 2), ("股份有限公司", 1))
MANUFACTURING_FORMS = (
    ("有限公司", 5),
    ("制造有限公司", 3),
    ("科技有限公司", 2),
    ("有限责任公司", 1),
    ("股份有限公司", 1),
)
MANUFACTURING_GROUPS = frozenset({"AEM", "HEE", "NEV", "NEN"})
MANUFACTURING_KEYS = frozenset(
    {"NGIT-02", "NGIT-04", "NGIT-08", "BIO-04", "CSG-04", "CSG-06", "MNM-06"}
)
SERVICE_KEYS = frozenset({"AEM-08", "NGIT-05", "NGIT-06", "NGIT-07"})
PLAIN_ENDINGS = ("业", "科技", "技术", "服务")

# What companies in each industry of reference/data/industries.csv call their business.
INDUSTRY_STEMS: Mapping[str, tuple[str, ...]] = {
    "AEM-01": ("阀门", "泵业", "压缩机", "轴承", "齿轮", "锅炉", "液压件", "减速机"),
    "AEM-02": ("重型机械", "矿山机械", "起重设备", "冶金设备"),
    "AEM-03": ("石油机械", "石化装备", "压力容器", "换热设备"),
    "AEM-04": ("变压器", "电气", "电缆", "开关设备"),
    "AEM-05": ("汽车零部件", "汽车配件", "汽车部件"),
    "AEM-06": ("仪器仪表", "仪表", "传感器", "分析仪器"),
    "AEM-07": ("农业机械", "环保设备", "食品机械", "包装机械"),
    "AEM-08": ("机电设备安装", "设备维修服务"),
    "PCF-01": ("石化", "石油化工", "燃料油"),
    "PCF-02": ("焦化", "煤化工"),
    "PCF-03": ("化工", "化工原料"),
    "PCF-04": ("树脂", "合成材料", "合成橡胶"),
    "PCF-05": ("精细化工", "化工助剂", "表面活性剂"),
    "PCF-06": ("涂料", "油墨", "颜料"),
    "PCF-07": ("化肥", "农药", "肥业"),
    "PCF-08": ("化纤", "纤维"),
    "PCF-09": ("塑料制品", "橡胶制品", "塑业", "管业"),
    "MNM-01": ("钢铁", "冶金"),
    "MNM-02": ("钢材", "特钢", "型材", "钢管", "板材"),
    "MNM-03": ("铝业", "镁业", "铜业", "有色金属"),
    "MNM-04": ("铝材", "合金材料", "铜材"),
    "MNM-05": ("耐火材料", "镁质材料", "菱镁制品"),
    "MNM-06": ("钢结构", "金属制品", "五金"),
    "NGIT-01": ("半导体", "集成电路", "微电子"),
    "NGIT-02": ("半导体设备", "真空设备"),
    "NGIT-03": ("电子", "电子元件", "电子材料"),
    "NGIT-04": ("通信设备", "计算机", "网络设备"),
    "NGIT-05": ("软件", "信息技术"),
    "NGIT-06": ("物联网科技", "智能科技", "信息系统"),
    "NGIT-07": ("数据科技", "云计算", "工业互联网"),
    "NGIT-08": ("智能设备", "智能终端"),
    "NEV-01": ("新能源汽车", "电动汽车"),
    "NEV-02": ("动力电池", "电池", "锂电"),
    "NEV-03": ("电机", "电驱动系统", "电控"),
    "NEV-04": ("汽车电子", "汽车零部件"),
    "NEV-05": ("氢能", "燃料电池"),
    "NEN-01": ("风电设备", "风电"),
    "NEN-02": ("光伏", "太阳能"),
    "NEN-03": ("核电设备", "核能装备"),
    "NEN-04": ("储能", "液流电池"),
    "NEN-05": ("电力设备", "电网设备", "配电设备"),
    "NMT-01": ("高端金属材料", "特种合金"),
    "NMT-02": ("钛业", "镁合金", "铝合金"),
    "NMT-03": ("工程塑料", "氟材料", "特种橡胶"),
    "NMT-04": ("石墨", "硼业", "新材料"),
    "NMT-05": ("电子材料", "靶材"),
    "HEE-01": ("轨道交通装备", "轨道交通"),
    "HEE-02": ("机器人", "自动化"),
    "HEE-03": ("机床", "数控机床", "数控设备"),
    "HEE-04": ("航空部件", "航空装备"),
    "HEE-05": ("船舶", "船舶配套", "海洋工程"),
    "HEE-06": ("增材制造", "激光科技"),
    "BIO-01": ("药业", "制药"),
    "BIO-02": ("中药", "中药饮片"),
    "BIO-03": ("生物制药", "生物科技", "疫苗"),
    "BIO-04": ("医疗器械", "医疗设备"),
    "BIO-05": ("医用材料", "卫生材料"),
    "AGF-01": ("粮食", "米业", "粮油"),
    "AGF-02": ("饲料",),
    "AGF-03": ("油脂", "植物油"),
    "AGF-04": ("食品", "肉类食品", "肉业"),
    "AGF-05": ("海产品", "水产"),
    "AGF-06": ("乳业", "乳品"),
    "AGF-07": ("果蔬", "食品"),
    "AGF-08": ("酒业", "饮品", "啤酒", "葡萄酒"),
    "CSG-01": ("纺织",),
    "CSG-02": ("服装", "服饰"),
    "CSG-03": ("皮革", "皮具"),
    "CSG-04": ("家具", "木业"),
    "CSG-05": ("工艺品",),
    "CSG-06": ("电器", "家电"),
    "CSG-07": ("日化", "日用化学品"),
    "CSG-08": ("文体用品", "体育用品"),
}

# Famous county product clusters (reference/data/clusters.csv names them): their products take
# the given share of the county's companies on top of the industries everywhere.
SPECIALITIES: Mapping[str, tuple[tuple[str, str, float], ...]] = {
    "211481": (("CSG-02", "泳装", 0.35), ("CSG-02", "泳衣", 0.10)),      # 兴城
    "210381": (("MNM-05", "镁质材料", 0.15), ("MNM-05", "耐火材料", 0.10),
               ("CSG-02", "服装", 0.15)),                                 # 海城, 西柳
    "210882": (("MNM-05", "镁业", 0.20), ("MNM-05", "耐火材料", 0.20)),    # 大石桥
    "211081": (("CSG-03", "皮草", 0.30), ("CSG-03", "裘皮服饰", 0.10)),    # 灯塔, 佟二堡
    "210323": (("CSG-05", "玉器", 0.35), ("CSG-05", "玉雕工艺品", 0.10)),  # 岫岩
    "210522": (("AGF-08", "冰酒", 0.30),),                               # 桓仁
    "210283": (("AGF-05", "海参", 0.20), ("AGF-05", "海产品", 0.10)),      # 庄河
    "210224": (("AGF-05", "海珍品", 0.40),),                             # 长海
    "211122": (("AGF-01", "大米", 0.30), ("AGF-01", "米业", 0.10)),        # 盘山
    "210281": (("AEM-01", "轴承", 0.35),),                               # 瓦房店
    "210106": (("AEM-01", "压缩机", 0.05), ("HEE-03", "机床", 0.05),
               ("AEM-04", "变压器", 0.05)),                               # 沈阳铁西
    "211103": (("AEM-03", "石油机械", 0.15),),                            # 盘锦兴隆台
}  # fmt: skip


@dataclass(frozen=True)
class Tail:
    """Line of business + legal form, with what the body does (for its description)."""

    text: str
    weight: float
    field: str


# Company-style names of institutions, by kind. Weights follow the make-up of Liaoning's CMA
# register: vehicle inspection and construction testing are the two biggest groups.
INSTITUTION_TAILS: Mapping[str, tuple[Tail, ...]] = {
    Kind.TESTING_LAB: (
        Tail("机动车检测有限公司", 12, "机动车安全技术检验、排放检验"),
        Tail("机动车检测服务有限公司", 6, "机动车安全技术检验、综合性能检测"),
        Tail("机动车安全技术检测有限公司", 5, "机动车安全技术检验"),
        Tail("建设工程质量检测有限公司", 10, "建设工程材料、地基基础与主体结构检测"),
        Tail("建筑工程检测有限公司", 6, "建筑材料、钢结构与建筑节能检测"),
        Tail("建材检测有限公司", 4, "水泥、混凝土、钢筋等建筑材料检测"),
        Tail("工程检测技术有限公司", 5, "工程材料与工程实体检测"),
        Tail("环境检测有限公司", 6, "水、气、土壤、噪声等环境要素监测"),
        Tail("环境监测技术有限公司", 5, "环境质量与污染源监测"),
        Tail("检验检测有限公司", 8, "工业产品、金属材料理化性能检测"),
        Tail("检测技术有限公司", 8, "工业产品与材料检测"),
        Tail("检测技术服务有限公司", 4, "产品质量检测"),
        Tail("质量检测有限公司", 3, "产品质量检测"),
        Tail("食品检测有限公司", 4, "食品及食品相关产品检测"),
        Tail("农产品检测有限公司", 2, "农产品质量安全检测"),
        Tail("无损检测有限公司", 3, "承压设备与焊接结构无损检测"),
        Tail("职业卫生检测有限公司", 2, "工作场所职业病危害因素检测"),
        Tail("电力检测有限公司", 2, "电气设备预防性试验"),
        Tail("材料检测技术有限公司", 2, "金属与非金属材料性能检测"),
    ),
    Kind.CALIBRATION_LAB: (
        Tail("计量检测有限公司", 5, ""),
        Tail("计量校准有限公司", 4, ""),
        Tail("计量技术服务有限公司", 3, ""),
        Tail("校准检测技术有限公司", 2, ""),
        Tail("仪器仪表校准有限公司", 2, ""),
        Tail("精密计量科技有限公司", 1, ""),
        Tail("计量检测技术有限公司", 3, ""),
    ),
    # Beyond the legal metrology institutes every place has: authorised companies.
    Kind.METROLOGY_INSTITUTE: (
        Tail("计量检定有限公司", 3, ""),
        Tail("计量检定测试有限公司", 2, ""),
        Tail("计量科学技术有限公司", 1, ""),
    ),
    Kind.CERTIFICATION_BODY: (
        Tail("认证有限公司", 8, ""),
        Tail("认证中心有限公司", 3, ""),
        Tail("认证中心", 3, ""),
        Tail("质量认证有限公司", 2, ""),
        Tail("检验认证有限公司", 2, ""),
        Tail("认证服务有限公司", 2, ""),
    ),
    Kind.STANDARDS_BODY: (
        Tail("标准化技术服务有限公司", 4, ""),
        Tail("标准化技术服务中心", 3, ""),
        Tail("标准技术服务有限公司", 2, ""),
        Tail("标准化咨询有限公司", 1, ""),
    ),
    Kind.SPECIAL_EQUIPMENT_BODY: (
        Tail("特种设备检测有限公司", 5, "锅炉、压力容器、压力管道"),
        Tail("特种设备检验检测有限公司", 3, "锅炉、压力容器、电梯、起重机械"),
        Tail("电梯检测有限公司", 4, "电梯、自动扶梯"),
        Tail("压力容器检验有限公司", 2, "压力容器、气瓶"),
        Tail("起重机械检测有限公司", 2, "起重机械、场（厂）内专用机动车辆"),
    ),
    Kind.STATION_OPERATOR: (
        Tail("质量技术服务有限公司", 4, ""),
        Tail("质量管理咨询有限公司", 2, ""),
        Tail("企业服务有限公司", 1, ""),
    ),
}

# Where names are drawn from, by kind: (province "辽宁…", city "沈阳…", county "瓦房店…").
NAMESPACE_SHARES: Mapping[str, tuple[float, float, float]] = {
    Kind.ENTERPRISE: (0.08, 0.62, 0.30),
    Kind.TESTING_LAB: (0.25, 0.60, 0.15),
    Kind.CALIBRATION_LAB: (0.30, 0.60, 0.10),
    Kind.METROLOGY_INSTITUTE: (0.20, 0.60, 0.20),
    Kind.CERTIFICATION_BODY: (0.60, 0.40, 0.00),
    Kind.STANDARDS_BODY: (0.40, 0.60, 0.00),
    Kind.SPECIAL_EQUIPMENT_BODY: (0.30, 0.60, 0.10),
    Kind.STATION_OPERATOR: (0.10, 0.60, 0.30),
}


def forms_for(industry_key: str, stem: str) -> tuple[tuple[str, int], ...]:
    """The legal forms that read naturally after a business stem (no 药业制造有限公司)."""
    if industry_key in SERVICE_KEYS or stem.endswith(PLAIN_ENDINGS):
        return PLAIN_FORMS
    if industry_key.split("-")[0] in MANUFACTURING_GROUPS or industry_key in MANUFACTURING_KEYS:
        return MANUFACTURING_FORMS
    return GENERAL_FORMS


class NamespaceFull(Exception):
    """Every trade name for one place and business is taken (about 17,000 of them)."""


class NameBook:
    """Draws unique company names for one run; memory grows with the (place, tail) pairs used,
    never with the number of names."""

    def __init__(self, *, seed: int, prefixes: Iterable[str], reserved: Iterable[str]) -> None:
        prefix_list = sorted(set(prefixes))
        unsafe = set(ADMINISTRATIVE_CHARACTERS)
        for shorter in prefix_list:
            for longer in prefix_list:
                if longer != shorter and longer.startswith(shorter):
                    unsafe.add(longer[len(shorter)])
        self.characters = tuple(
            dict.fromkeys(char for char in TRADE_NAME_CHARACTERS if char not in unsafe)
        )
        self.capacity = len(self.characters) ** 2
        self.reserved = frozenset(reserved)
        self._seed = seed
        self._buckets: dict[tuple[str, str], list[int]] = {}
        self._pinyin = {char: lazy_pinyin(char)[0] for char in self.characters}

    def company_name(self, prefix: str, tail: str) -> tuple[str, str]:
        """(name, trade name) for the next company called ``prefix`` + 字号 + ``tail``.

        Raises NamespaceFull when no trade name is left for this pair.
        """
        bucket = self._buckets.get((prefix, tail))
        if bucket is None:
            rng = random.Random(f"names:{self._seed}:{prefix}:{tail}")
            multiplier = rng.randrange(1, self.capacity)
            while gcd(multiplier, self.capacity) != 1:
                multiplier = rng.randrange(1, self.capacity)
            bucket = [multiplier, rng.randrange(self.capacity), 0]
            self._buckets[(prefix, tail)] = bucket
        multiplier, offset, used = bucket
        size = len(self.characters)
        while used < self.capacity:
            index = (multiplier * used + offset) % self.capacity
            used += 1
            trade_name = self.characters[index // size] + self.characters[index % size]
            name = f"{prefix}{trade_name}{tail}"
            if name not in self.reserved:
                bucket[2] = used
                return name, trade_name
        bucket[2] = used
        raise NamespaceFull(f"no trade name left for {prefix}…{tail}")

    def trade_name_pinyin(self, trade_name: str) -> str:
        return "".join(self._pinyin[char] for char in trade_name)
