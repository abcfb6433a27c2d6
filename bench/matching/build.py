"""Builds the matching evaluation set: ``python bench/matching/build.py`` rewrites the CSV files
and ``needs.json`` next to it from the definitions below (deterministic; commit the output).

The cast is constructed, not sampled: about sixty Liaoning institutions around the needs people
actually type, with the traps the engine must not fall into — a perfect line on a suspended,
revoked or expired qualification, a range short of the need, an accuracy worse than asked, the
same keyword on another object (钢丝绳拉伸 vs 钢筋拉伸, 压力表 vs 压力容器), a restriction that
excludes the request, a lab still on a superseded edition, another city.

Judgments are graded 0–3 by what an enterprise would want to see: 3 can do exactly this, here;
2 can do it (another city, any edition, a broader scope line); 1 could probably help (an old
edition, a general scope, a different but related method); 0 or absent: no. ``must_not`` lists
the institutions that must never appear in a top 10: invalid qualification, range or accuracy
short of the need, wrong object, excluding restriction. They were written from the definitions
of the institutions, before the engine was run on them.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from qihub.accounts.identifiers import make_uscc  # noqa: E402

TODAY = "2026-06-01"
VALID = ("2023-01-01", "2029-12-31", "valid")
EXPIRED = ("2020-01-01", "2026-03-31", "valid")  # expired by date, still recorded valid
SUSPENDED = ("2023-01-01", "2029-12-31", "suspended")
REVOKED = ("2023-01-01", "2029-12-31", "revoked")
FUTURE = ("2026-09-01", "2032-08-31", "valid")

CITY = {
    "沈阳": "210100", "大连": "210200", "鞍山": "210300", "抚顺": "210400", "本溪": "210500",
    "丹东": "210600", "锦州": "210700", "营口": "210800", "阜新": "210900", "辽阳": "211000",
    "盘锦": "211100", "铁岭": "211200", "朝阳": "211300", "葫芦岛": "211400",
}  # fmt: skip

STANDARDS = [
    # code, title, type, status, replaces
    ("GB/T 228.1-2010", "金属材料 拉伸试验 第1部分：室温试验方法", "recommended", "superseded", ""),
    ("GB/T 228.1-2021", "金属材料 拉伸试验 第1部分：室温试验方法", "recommended", "current",
     "GB/T 228.1-2010"),
    ("GB/T 1499.2-2018", "钢筋混凝土用钢 第2部分：热轧带肋钢筋", "recommended", "current", ""),
    ("GB/T 28900-2022", "钢筋混凝土用钢材试验方法", "recommended", "current", ""),
    ("GB/T 8358-2014", "钢丝绳 实际破断拉力测定方法", "recommended", "current", ""),
    ("GB/T 229-2020", "金属材料 夏比摆锤冲击试验方法", "recommended", "current", ""),
    ("GB/T 230.1-2018", "金属材料 洛氏硬度试验 第1部分：试验方法", "recommended", "current", ""),
    ("GB/T 4336-2016", "碳素钢和中低合金钢 多元素含量的测定 火花放电原子发射光谱法",
     "recommended", "current", ""),
    ("JJG 52-2013", "弹性元件式一般压力表、压力真空表和真空表检定规程",
     "verification_regulation", "current", ""),
    ("JJG 49-2013", "弹性元件式精密压力表和真空表检定规程", "verification_regulation", "current",
     ""),
    ("JJG 875-2019", "数字压力计检定规程", "verification_regulation", "current", ""),
    ("JJF 1064-2010", "坐标测量机校准规范", "calibration_spec", "current", ""),
    ("JJG 1036-2022", "电子天平检定规程", "verification_regulation", "current", ""),
    ("JJG 539-2016", "数字指示秤检定规程", "verification_regulation", "current", ""),
    ("JJG 555-1996", "非自动秤通用检定规程", "verification_regulation", "current", ""),
    ("JJF 1637-2017", "廉金属热电偶校准规范", "calibration_spec", "current", ""),
    ("JJG 130-2011", "工作用玻璃液体温度计检定规程", "verification_regulation", "current", ""),
    ("JJG 707-2014", "扭矩扳手检定规程", "verification_regulation", "current", ""),
    ("TSG T7001-2009", "电梯监督检验和定期检验规则——曳引与强制驱动电梯",
     "safety_technical_specification", "current", ""),
    ("TSG Q7015-2016", "起重机械定期检验规则", "safety_technical_specification", "current", ""),
    ("TSG 21-2016", "固定式压力容器安全技术监察规程", "safety_technical_specification", "current",
     ""),
    ("GB/T 19001-2016", "质量管理体系 要求", "recommended", "current", ""),
    ("GB/T 24001-2016", "环境管理体系 要求及使用指南", "recommended", "current", ""),
    ("GB/T 45001-2020", "职业健康安全管理体系 要求及使用指南", "recommended", "current", ""),
    ("GB/T 19630-2019", "有机产品 生产、加工、标识与管理体系要求", "recommended", "current", ""),
    ("HJ 828-2017", "水质 化学需氧量的测定 重铬酸盐法", "environmental_standard", "current", ""),
    ("HJ 535-2009", "水质 氨氮的测定 纳氏试剂分光光度法", "environmental_standard", "current", ""),
    ("GB/T 5750.4-2023", "生活饮用水标准检验方法 第4部分：感官性状和物理指标", "recommended",
     "current", ""),
    ("GB 23200.113-2018", "食品安全国家标准 植物源性食品中208种农药及其代谢物残留量的测定",
     "mandatory", "current", ""),
    ("GB 4789.2-2022", "食品安全国家标准 食品微生物学检验 菌落总数测定", "mandatory", "current",
     ""),
    ("GB 4706.1-2005", "家用和类似用途电器的安全 第1部分：通用要求", "mandatory", "current", ""),
    ("GB 31241-2022", "便携式电子产品用锂离子电池和电池组 安全技术规范", "mandatory", "current",
     ""),
    ("GB/T 50081-2019", "混凝土物理力学性能试验方法标准", "recommended", "current", ""),
    ("GB/T 17671-2021", "水泥胶砂强度检验方法（ISO法）", "recommended", "current", ""),
    ("GB/T 11345-2013", "焊缝无损检测 超声检测 技术、检测等级和评定", "recommended", "current", ""),
    ("GB/T 3323.1-2019", "焊缝无损检测 射线检测 第1部分：X和伽玛射线的胶片技术", "recommended",
     "current", ""),
    ("GB/T 18883-2022", "室内空气质量标准", "recommended", "current", ""),
    ("GB/T 10125-2021", "人造气氛腐蚀试验 盐雾试验", "recommended", "current", ""),
]  # fmt: skip

# Institutions: key, name, org kind, city, {qualification key: (type, number, dates)}, lines.
# A line: (qualification key, kind, object, parameter, standards, min, max, unit, uncertainty,
#          restriction, price, days)
LAB, CAL, MET, CB, SE = (
    "testing_lab", "calibration_lab", "metrology_institute", "certification_body",
    "special_equipment_body",
)  # fmt: skip
_serial = iter(range(1, 10_000))


def cma(status: tuple[str, str, str] = VALID) -> tuple[str, str, tuple[str, str, str]]:
    return ("CMA", f"2306{next(_serial) % 100:02d}00{next(_serial):04d}", status)


def cnas_l(status: tuple[str, str, str] = VALID) -> tuple[str, str, tuple[str, str, str]]:
    return ("CNAS-L", f"CNAS L{1000 + next(_serial)}", status)


def auth(status: tuple[str, str, str] = VALID) -> tuple[str, str, tuple[str, str, str]]:
    return ("METROLOGY-AUTH", f"(辽)法计(2023){next(_serial):05d}号", status)


def cnca(status: tuple[str, str, str] = VALID) -> tuple[str, str, tuple[str, str, str]]:
    return ("CNCA-CB", f"CNCA-R-2010-{next(_serial):03d}", status)


def se(status: tuple[str, str, str] = VALID) -> tuple[str, str, tuple[str, str, str]]:
    return ("SE-INSPECTION", f"TS71{next(_serial):05d}-2029", status)


STEEL = "抗拉强度、屈服强度、断后伸长率"
T, C, V, CERT = "test", "calibration", "verification", "certification"

INSTITUTIONS = [
    # --- steel: tensile -----------------------------------------------------------------------
    ("steel_sy_a", "沈阳建材检测中心有限公司", LAB, "沈阳", {"q": cma()}, [
        ("q", T, "钢筋", STEEL, "GB/T 228.1-2021;GB/T 28900-2022", 0, 2000, "MPa",
         "Urel=1.0% (k=2)", "", 120, 3),
        ("q", T, "钢筋", "重量偏差", "GB/T 1499.2-2018", "", "", "", "", "", 40, 2),
    ]),
    ("steel_sy_b", "沈阳市工程质量检测研究院", LAB, "沈阳", {"q": cma()}, [
        ("q", T, "热轧带肋钢筋", "拉伸性能", "GB/T 228.1-2021;GB/T 1499.2-2018", 0, 1500, "MPa",
         "Urel=0.8% (k=2)", "", 150, 5),
        ("q", T, "钢筋", "弯曲性能", "GB/T 28900-2022", "", "", "", "", "", 60, 3),
    ]),
    ("steel_dl_old", "大连金属材料检验所", LAB, "大连", {"q": cma()}, [
        ("q", T, "钢筋", STEEL, "GB/T 228.1-2010", 0, 2000, "MPa", "Urel=1.0% (k=2)", "", 100, 4),
    ]),
    ("steel_as", "鞍山钢铁材料检测有限公司", LAB, "鞍山", {"q": cma(), "c": cnas_l()}, [
        ("q", T, "钢筋", STEEL, "GB/T 228.1-2021", 0, 2000, "MPa", "Urel=1.0% (k=2)", "", 110, 3),
        ("q", T, "钢板", "冲击吸收能量", "GB/T 229-2020", 0, 450, "J", "", "", 90, 3),
        ("q", T, "钢材", "洛氏硬度", "GB/T 230.1-2018", 20, 70, "HRC", "", "", 50, 2),
        ("c", T, "碳素钢", "化学成分", "GB/T 4336-2016", "", "", "", "", "", 300, 5),
    ]),
    ("steel_sy_suspended", "沈阳恒信检测技术有限公司", LAB, "沈阳", {"q": cma(SUSPENDED)}, [
        ("q", T, "钢筋", STEEL, "GB/T 228.1-2021", 0, 2000, "MPa", "Urel=1.0% (k=2)", "", 80, 2),
    ]),
    ("steel_sy_expired", "沈阳北方质检技术服务有限公司", LAB, "沈阳", {"q": cma(EXPIRED)}, [
        ("q", T, "钢筋", STEEL, "GB/T 228.1-2021", 0, 2000, "MPa", "Urel=1.0% (k=2)", "", 80, 2),
    ]),
    ("steel_sy_future", "沈阳新锐检测有限公司", LAB, "沈阳", {"q": cma(FUTURE)}, [
        ("q", T, "钢筋", STEEL, "GB/T 228.1-2021", 0, 2000, "MPa", "Urel=1.0% (k=2)", "", 80, 2),
    ]),
    ("wire_rope_sy", "沈阳起重索具检测中心", LAB, "沈阳", {"q": cma()}, [
        ("q", T, "钢丝绳", "拉伸试验（实际破断拉力）", "GB/T 8358-2014;GB/T 228.1-2021", 0, 5000,
         "kN", "Urel=1.0% (k=2)", "", 200, 3),
    ]),
    ("metal_jz", "锦州金属材料理化检测中心", LAB, "锦州", {"q": cma()}, [
        ("q", T, "金属材料", "拉伸试验", "GB/T 228.1-2021", 0, 2000, "MPa", "Urel=1.0% (k=2)", "",
         100, 4),
    ]),
    ("steel_yk_internal", "营口钢铁集团质量检验中心", LAB, "营口", {"q": cma()}, [
        ("q", T, "钢筋", STEEL, "GB/T 228.1-2021", 0, 2000, "MPa", "Urel=1.0% (k=2)",
         "仅限委托方内部使用", 60, 1),
    ]),
    ("steel_ly_excluding", "辽阳工程材料检测有限公司", LAB, "辽阳", {"q": cma()}, [
        ("q", T, "钢材", "抗拉强度、屈服强度", "GB/T 228.1-2021", 0, 2000, "MPa",
         "Urel=1.0% (k=2)", "不包括钢筋", 90, 3),
    ]),
    ("steel_bx_weight", "本溪建设工程质量检测站", LAB, "本溪", {"q": cma()}, [
        ("q", T, "钢筋", "重量偏差、尺寸", "GB/T 1499.2-2018", "", "", "", "", "", 40, 2),
    ]),
    ("steel_ts_hardness", "铁岭机械零部件检测中心", LAB, "铁岭", {"q": cma()}, [
        ("q", T, "齿轮", "洛氏硬度", "GB/T 230.1-2018", 20, 70, "HRC", "", "", 50, 2),
        ("q", T, "螺栓", "抗拉强度", "GB/T 228.1-2021", 0, 1500, "MPa", "", "", 100, 3),
    ]),
    # --- pressure gauges -----------------------------------------------------------------------
    ("gauge_sy_met", "沈阳市计量测试所", MET, "沈阳", {"a": auth(), "c": cma()}, [
        ("a", V, "压力表", "示值误差", "JJG 52-2013", 0, 60, "MPa", "U=0.05%FS (k=2)", "", 30, 3),
        ("a", V, "精密压力表", "示值误差", "JJG 49-2013", 0, 60, "MPa", "U=0.02%FS (k=2)", "", 80,
         3),
        ("a", V, "电子天平", "示值误差", "JJG 1036-2022", 0, 5, "kg", "E2级", "", 60, 2),
    ]),
    ("gauge_sy_cal", "沈阳精测校准技术有限公司", CAL, "沈阳", {"c": cnas_l()}, [
        ("c", C, "压力表", "示值误差", "JJG 52-2013", 0, 100, "MPa", "U=0.1%FS (k=2)", "", 40, 3),
        ("c", C, "数字压力计", "示值误差", "JJG 875-2019", -0.1, 100, "MPa", "U=0.01%FS (k=2)", "",
         150, 5),
    ]),
    ("gauge_dl_short", "大连计量检定所", MET, "大连", {"a": auth()}, [
        ("a", V, "压力表", "示值误差", "JJG 52-2013", 0, 40, "MPa", "U=0.05%FS (k=2)", "", 30, 3),
    ]),
    ("gauge_as_coarse", "鞍山市仪表检修站", MET, "鞍山", {"a": auth()}, [
        ("a", V, "压力表", "示值误差", "JJG 52-2013", 0, 60, "MPa", "2.5级", "", 20, 2),
    ]),
    ("gauge_jz_unknown_acc", "锦州计量检测中心", MET, "锦州", {"a": auth()}, [
        ("a", V, "压力表", "示值误差", "JJG 52-2013", 0, 60, "MPa", "", "", 30, 3),
    ]),
    ("vessel_sy", "沈阳特种设备检测研究院", SE, "沈阳", {"s": se()}, [
        ("s", T, "压力容器", "定期检验", "TSG 21-2016", 0, 100, "MPa", "", "", 3000, 15),
        ("s", T, "电梯", "定期检验", "TSG T7001-2009", "", "", "", "", "", 800, 7),
    ]),
    ("gauge_fs", "抚顺市计量测试所", MET, "抚顺", {"a": auth()}, [
        ("a", V, "压力表", "示值误差", "JJG 52-2013", 0, 60, "MPa", "U=0.06%FS (k=2)", "", 30, 5),
        ("a", V, "电子秤", "示值误差", "JJG 539-2016", 0, 300, "kg", "", "", 40, 3),
    ]),
    ("gauge_yk_digital", "营口仪器仪表校准中心", CAL, "营口", {"c": cnas_l()}, [
        ("c", C, "数字压力计", "示值误差", "JJG 875-2019", 0, 60, "MPa", "U=0.02%FS (k=2)", "", 120,
         4),
    ]),
    ("gauge_dl_revoked", "大连港湾计量服务有限公司", CAL, "大连", {"c": cnas_l(REVOKED)}, [
        ("c", C, "压力表", "示值误差", "JJG 52-2013", 0, 100, "MPa", "U=0.05%FS (k=2)", "", 30, 2),
    ]),
    # --- coordinate measuring machines -----------------------------------------------------
    ("cmm_dl", "大连精密测量技术有限公司", CAL, "大连", {"c": cnas_l()}, [
        ("c", C, "三坐标测量机", "示值误差、探测误差", "JJF 1064-2010", 0, 2000, "mm",
         "U=(1.5+2L/1000)μm", "", 3000, 7),
    ]),
    ("cmm_sy", "沈阳机床计量检测中心", CAL, "沈阳", {"c": cnas_l()}, [
        ("c", C, "坐标测量机", "长度测量示值误差", "JJF 1064-2010", 0, 1500, "mm", "U=2.0μm (k=2)",
         "", 2500, 7),
        ("c", C, "扭矩扳手", "示值误差", "JJG 707-2014", 1, 2000, "N·m", "Urel=0.5% (k=2)", "", 60,
         3),
    ]),
    ("cmm_dl_suspended", "大连瑞丰校准有限公司", CAL, "大连", {"c": cnas_l(SUSPENDED)}, [
        ("c", C, "三坐标测量机", "示值误差", "JJF 1064-2010", 0, 2000, "mm", "U=2.0μm (k=2)", "",
         2000, 5),
    ]),
    ("cmm_dl_service", "大连零部件尺寸检测中心", LAB, "大连", {"q": cma()}, [
        ("q", T, "机械零部件", "几何尺寸（三坐标测量）", "", 0, 2000, "mm", "", "", 500, 3),
    ]),
    # --- certification ------------------------------------------------------------------------
    ("cb_sy_qms", "辽宁质信认证有限公司", CB, "沈阳", {"r": cnca()}, [
        ("r", CERT, "质量管理体系认证", "通用设备制造", "GB/T 19001-2016", "", "", "", "", "",
         12000, 60),
        ("r", CERT, "质量管理体系认证", "食品、饮料和烟草", "GB/T 19001-2016", "", "", "", "", "",
         12000, 60),
        ("r", CERT, "环境管理体系认证", "通用设备制造", "GB/T 24001-2016", "", "", "", "", "",
         12000, 60),
    ]),
    ("cb_dl_multi", "大连海诚认证中心", CB, "大连", {"r": cnca()}, [
        ("r", CERT, "质量管理体系认证", "船舶制造", "GB/T 19001-2016", "", "", "", "", "", 15000,
         45),
        ("r", CERT, "职业健康安全管理体系认证", "船舶制造", "GB/T 45001-2020", "", "", "", "", "",
         15000, 45),
    ]),
    ("cb_sy_revoked", "沈阳卓越认证有限公司", CB, "沈阳", {"r": cnca(REVOKED)}, [
        ("r", CERT, "质量管理体系认证", "通用设备制造", "GB/T 19001-2016", "", "", "", "", "",
         8000, 30),
    ]),
    ("cb_as_organic", "鞍山绿源有机认证中心", CB, "鞍山", {"r": cnca()}, [
        ("r", CERT, "有机产品认证", "有机植物生产", "GB/T 19630-2019", "", "", "", "", "", 20000,
         60),
    ]),
    ("cb_jz_qms", "锦州正信认证有限公司", CB, "锦州", {"r": cnca()}, [
        ("r", CERT, "质量管理体系认证", "建筑施工", "GB/T 19001-2016", "", "", "", "", "", 10000,
         50),
    ]),
    # --- water, air, food ----------------------------------------------------------------------
    ("env_sy", "沈阳环境监测技术有限公司", LAB, "沈阳", {"q": cma()}, [
        ("q", T, "废水", "化学需氧量", "HJ 828-2017", 4, 700, "mg/L", "", "", 80, 3),
        ("q", T, "废水", "氨氮", "HJ 535-2009", 0.025, 2, "mg/L", "", "", 60, 3),
        ("q", T, "室内空气", "甲醛", "GB/T 18883-2022", "", "", "", "", "", 200, 5),
    ]),
    ("env_dl", "大连海洋环境检测中心", LAB, "大连", {"q": cma()}, [
        ("q", T, "水质", "化学需氧量", "HJ 828-2017", 4, 700, "mg/L", "", "", 90, 4),
    ]),
    ("water_sy", "沈阳供水水质检测中心", LAB, "沈阳", {"q": cma()}, [
        ("q", T, "生活饮用水", "浑浊度、色度", "GB/T 5750.4-2023", "", "", "", "", "", 150, 5),
    ]),
    ("air_sy_internal", "沈阳某集团环保检测室", LAB, "沈阳", {"q": cma()}, [
        ("q", T, "室内空气", "甲醛", "GB/T 18883-2022", "", "", "", "", "仅限本集团内部检测", 100,
         2),
    ]),
    ("food_sy", "沈阳食品检验检测院", LAB, "沈阳", {"q": cma()}, [
        ("q", T, "蔬菜", "农药残留", "GB 23200.113-2018", "", "", "", "", "", 600, 5),
        ("q", T, "食品", "菌落总数", "GB 4789.2-2022", "", "", "", "", "", 100, 3),
    ]),
    ("food_dl", "大连乳品质量检测中心", LAB, "大连", {"q": cma()}, [
        ("q", T, "乳制品", "菌落总数", "GB 4789.2-2022", "", "", "", "", "", 120, 3),
    ]),
    # --- electrical -------------------------------------------------------------------------------
    ("elec_sy", "沈阳电器安全检测中心", LAB, "沈阳", {"q": cma(), "c": cnas_l()}, [
        ("q", T, "家用电器", "电气安全（泄漏电流、电气强度）", "GB 4706.1-2005", "", "", "", "", "",
         2000, 10),
        ("c", T, "锂离子电池", "安全性能", "GB 31241-2022", "", "", "", "", "", 5000, 15),
    ]),
    ("elec_dl_battery", "大连新能源电池检测有限公司", LAB, "大连", {"q": cma()}, [
        ("q", T, "锂离子电池", "过充电、短路、挤压", "GB 31241-2022", "", "", "", "", "", 4000,
         12),
    ]),
    # --- weighing, temperature ------------------------------------------------------------------
    ("scale_sy", "沈阳衡器检定站", MET, "沈阳", {"a": auth()}, [
        ("a", V, "电子汽车衡", "称量性能", "JJG 539-2016", 0, 150, "t", "III级", "", 1500, 2),
        ("a", V, "电子计价秤", "称量性能", "JJG 539-2016", 0, 30, "kg", "III级", "", 20, 1),
        ("a", V, "非自动秤", "称量性能", "JJG 555-1996", 0, 1000, "kg", "", "", 100, 2),
    ]),
    ("balance_dl", "大连天平砝码校准中心", CAL, "大连", {"c": cnas_l()}, [
        ("c", C, "电子天平", "示值误差、重复性", "JJG 1036-2022", 0, 2, "kg", "", "", 80, 3),
    ]),
    ("thermo_dl", "大连温度计量技术有限公司", CAL, "大连", {"c": cnas_l()}, [
        ("c", C, "热电偶", "热电动势", "JJF 1637-2017", 0, 1200, "℃", "U=1.5℃ (k=2)", "", 150, 4),
        ("c", C, "玻璃液体温度计", "示值误差", "JJG 130-2011", -30, 300, "℃", "U=0.1℃ (k=2)", "",
         40, 3),
    ]),
    ("thermo_sy", "沈阳热工仪表校准所", CAL, "沈阳", {"c": cnas_l()}, [
        ("c", C, "热电偶", "热电动势", "JJF 1637-2017", 0, 800, "℃", "U=2.5℃ (k=2)", "", 120, 3),
        ("c", C, "温度计", "示值误差", "JJG 130-2011", 0, 100, "℃", "U=0.5℃ (k=2)", "", 40, 2),
    ]),
    # --- special equipment ------------------------------------------------------------------
    ("se_dl", "大连特种设备检验检测研究院", SE, "大连", {"s": se()}, [
        ("s", T, "电梯", "定期检验", "TSG T7001-2009", "", "", "", "", "", 800, 7),
        ("s", T, "起重机械", "定期检验", "TSG Q7015-2016", "", "", "", "", "", 1500, 10),
    ]),
    ("se_as_expired", "鞍山特种设备检验所", SE, "鞍山", {"s": se(EXPIRED)}, [
        ("s", T, "电梯", "定期检验", "TSG T7001-2009", "", "", "", "", "", 600, 5),
    ]),
    ("se_pj", "盘锦起重机械检测有限公司", SE, "盘锦", {"s": se()}, [
        ("s", T, "起重机", "定期检验", "TSG Q7015-2016", "", "", "", "", "", 1200, 8),
    ]),
    # --- concrete, cement -------------------------------------------------------------------
    ("concrete_sy", "沈阳混凝土质量检测中心", LAB, "沈阳", {"q": cma()}, [
        ("q", T, "混凝土", "抗压强度", "GB/T 50081-2019", 0, 100, "MPa", "", "", 60, 28),
    ]),
    ("concrete_tl_internal", "铁岭建工集团试验室", LAB, "铁岭", {"q": cma()}, [
        ("q", T, "混凝土", "抗压强度", "GB/T 50081-2019", 0, 100, "MPa", "", "仅限本单位工程", 30,
         28),
    ]),
    ("cement_sy", "沈阳水泥产品检验站", LAB, "沈阳", {"q": cma()}, [
        ("q", T, "水泥", "胶砂强度（抗压强度、抗折强度）", "GB/T 17671-2021", 0, 100, "MPa", "", "",
         200, 28),
    ]),
    ("concrete_fs_short", "抚顺建筑材料检测站", LAB, "抚顺", {"q": cma()}, [
        ("q", T, "混凝土", "抗压强度", "GB/T 50081-2019", 0, 50, "MPa", "", "", 50, 28),
    ]),
    # --- non-destructive testing, corrosion ---------------------------------------------------
    ("ndt_sy", "沈阳无损检测技术有限公司", LAB, "沈阳", {"q": cma()}, [
        ("q", T, "焊缝", "超声检测", "GB/T 11345-2013", 8, 200, "mm", "", "", 300, 3),
        ("q", T, "焊缝", "射线检测", "GB/T 3323.1-2019", 2, 80, "mm", "", "", 400, 3),
    ]),
    ("ndt_as", "鞍山探伤检测有限公司", LAB, "鞍山", {"q": cma()}, [
        ("q", T, "钢管", "超声波探伤", "GB/T 11345-2013", 5, 100, "mm", "", "", 250, 4),
    ]),
    ("salt_dl", "大连腐蚀与防护检测中心", LAB, "大连", {"q": cma()}, [
        ("q", T, "金属涂层", "中性盐雾试验", "GB/T 10125-2021", 0, 2000, "h", "", "", 800, 10),
    ]),
    ("salt_sy_only_paint", "沈阳涂料检测站", LAB, "沈阳", {"q": cma()}, [
        ("q", T, "涂层", "盐雾试验", "GB/T 10125-2021", 0, 1000, "h", "", "仅限涂料产品", 600, 10),
    ]),
]  # fmt: skip

# Needs: text (+ structured filters), graded judgments by institution key, must_not keys.
NEEDS = [
    {"q": "钢筋拉伸试验 GB/T 228.1-2021 沈阳",
     "rel": {"steel_sy_a": 3, "steel_sy_b": 3, "steel_as": 2, "steel_dl_old": 1, "metal_jz": 1},
     "must_not": ["steel_sy_suspended", "steel_sy_expired", "steel_sy_future", "wire_rope_sy",
                  "steel_yk_internal", "steel_ly_excluding", "steel_bx_weight"]},
    {"q": "钢筋 拉伸",
     "rel": {"steel_sy_a": 3, "steel_sy_b": 3, "steel_as": 3, "steel_dl_old": 2, "metal_jz": 1},
     "must_not": ["wire_rope_sy", "steel_sy_suspended", "steel_sy_expired", "steel_yk_internal",
                  "steel_ly_excluding"]},
    {"q": "ＧＢ／Ｔ２２８．１—２０２１　钢筋抗拉强度　沈阳",
     "rel": {"steel_sy_a": 3, "steel_sy_b": 3, "steel_as": 2, "steel_dl_old": 1, "metal_jz": 1},
     "must_not": ["steel_sy_suspended", "steel_sy_expired", "wire_rope_sy", "steel_yk_internal",
                  "steel_ly_excluding"]},
    {"q": "钢筋拉申强渡检测",
     "rel": {"steel_sy_a": 3, "steel_sy_b": 3, "steel_as": 3, "steel_dl_old": 2, "metal_jz": 1},
     "must_not": ["wire_rope_sy", "steel_sy_suspended", "steel_sy_expired", "steel_yk_internal",
                  "steel_ly_excluding"]},
    {"q": "rebar tensile test Shenyang",
     "rel": {"steel_sy_a": 3, "steel_sy_b": 3, "steel_as": 2, "steel_dl_old": 1, "metal_jz": 1},
     "must_not": ["wire_rope_sy", "steel_sy_suspended", "steel_sy_expired", "steel_yk_internal",
                  "steel_ly_excluding"]},
    {"q": "螺纹钢 屈服强度 大连",
     "rel": {"steel_dl_old": 3, "steel_sy_a": 2, "steel_sy_b": 2, "steel_as": 3, "metal_jz": 1},
     "must_not": ["wire_rope_sy", "steel_sy_suspended", "steel_sy_expired", "steel_yk_internal",
                  "steel_ly_excluding"]},
    {"q": "钢丝绳破断拉力试验",
     "rel": {"wire_rope_sy": 3},
     "must_not": ["steel_sy_a", "steel_sy_b", "steel_as"]},
    {"q": "GB/T 228.1-2010 钢筋",
     "rel": {"steel_dl_old": 3, "steel_sy_a": 2, "steel_sy_b": 2, "steel_as": 2, "metal_jz": 1},
     "must_not": ["steel_sy_suspended", "steel_sy_expired", "wire_rope_sy", "steel_yk_internal",
                  "steel_ly_excluding"]},
    {"q": "压力表检定 0-60MPa 1.6级",
     "rel": {"gauge_sy_met": 3, "gauge_fs": 3},
     "must_not": ["gauge_dl_short", "gauge_as_coarse", "vessel_sy", "gauge_dl_revoked",
                  "gauge_jz_unknown_acc"]},
    {"q": "压力表检定 0～60 MPa 沈阳",
     "rel": {"gauge_sy_met": 3, "gauge_fs": 2, "gauge_as_coarse": 2, "gauge_jz_unknown_acc": 2},
     "must_not": ["gauge_dl_short", "vessel_sy", "gauge_dl_revoked"]},
    {"q": "压力表校准 0-100MPa",
     "rel": {"gauge_sy_cal": 3, "gauge_yk_digital": 0},
     "must_not": ["gauge_dl_revoked", "vessel_sy", "gauge_yk_digital", "gauge_dl_short"]},
    {"q": "压力表 60兆帕以下 检定",
     "rel": {"gauge_sy_met": 3, "gauge_fs": 3, "gauge_as_coarse": 3, "gauge_jz_unknown_acc": 3},
     "must_not": ["gauge_dl_short", "vessel_sy", "gauge_dl_revoked"]},
    {"q": "JJG52 压力表 大连",
     "rel": {"gauge_dl_short": 3, "gauge_sy_met": 2, "gauge_sy_cal": 2, "gauge_fs": 2,
             "gauge_as_coarse": 2, "gauge_jz_unknown_acc": 2},
     "must_not": ["gauge_dl_revoked", "vessel_sy"]},
    {"q": "压力容器定期检验",
     "rel": {"vessel_sy": 3},
     "must_not": ["gauge_sy_met", "gauge_sy_cal", "gauge_fs", "gauge_dl_short"]},
    {"q": "精密压力表检定",
     "rel": {"gauge_sy_met": 3},
     "must_not": ["gauge_dl_revoked", "vessel_sy"]},
    {"q": "yalibiao jianding 压力表 U≤0.1%FS 0-60MPa",
     "rel": {"gauge_sy_met": 3, "gauge_fs": 3},
     "must_not": ["gauge_dl_short", "gauge_as_coarse", "vessel_sy", "gauge_dl_revoked"]},
    {"q": "三坐标测量机校准 大连",
     "rel": {"cmm_dl": 3, "cmm_sy": 2},
     "must_not": ["cmm_dl_suspended", "cmm_dl_service"]},
    {"q": "CMM calibration",
     "rel": {"cmm_dl": 3, "cmm_sy": 3},
     "must_not": ["cmm_dl_suspended", "cmm_dl_service"]},
    {"q": "需要ISO 9001认证",
     "rel": {"cb_sy_qms": 3, "cb_dl_multi": 3, "cb_jz_qms": 3},
     "must_not": ["cb_sy_revoked", "cb_as_organic"]},
    {"q": "质量管理体系认证 沈阳",
     "rel": {"cb_sy_qms": 3, "cb_dl_multi": 2, "cb_jz_qms": 2},
     "must_not": ["cb_sy_revoked", "cb_as_organic"]},
    {"q": "职业健康安全管理体系认证",
     "rel": {"cb_dl_multi": 3},
     "must_not": ["cb_sy_revoked", "cb_as_organic"]},
    {"q": "有机认证",
     "rel": {"cb_as_organic": 3},
     "must_not": ["cb_sy_qms", "cb_sy_revoked"]},
    {"q": "14001环境体系认证",
     "rel": {"cb_sy_qms": 3},
     "must_not": ["cb_sy_revoked", "cb_as_organic"]},
    {"q": "污水 COD 检测",
     "rel": {"env_sy": 3, "env_dl": 2},
     "must_not": ["water_sy"]},
    {"q": "化学需氧量 大连",
     "rel": {"env_dl": 3, "env_sy": 2},
     "must_not": []},
    {"q": "室内空气甲醛检测 沈阳",
     "rel": {"env_sy": 3},
     "must_not": ["air_sy_internal"]},
    {"q": "自来水检测",
     "rel": {"water_sy": 3},
     "must_not": ["env_sy", "env_dl"]},
    {"q": "蔬菜农残检测",
     "rel": {"food_sy": 3},
     "must_not": []},
    {"q": "牛奶 菌落总数",
     "rel": {"food_dl": 2, "food_sy": 1},
     "must_not": []},
    {"q": "乳制品 菌落总数 检验",
     "rel": {"food_dl": 3, "food_sy": 1},
     "must_not": []},
    {"q": "家电安规测试",
     "rel": {"elec_sy": 3},
     "must_not": []},
    {"q": "锂电池 安全检测 GB 31241",
     "rel": {"elec_sy": 3, "elec_dl_battery": 3},
     "must_not": []},
    {"q": "电子秤检定",
     "rel": {"scale_sy": 3, "gauge_fs": 3},
     "must_not": ["balance_dl"]},
    {"q": "地磅检定 100吨",
     "rel": {"scale_sy": 3},
     "must_not": ["gauge_fs", "balance_dl"]},
    {"q": "电子天平校准",
     "rel": {"balance_dl": 3},
     "must_not": []},
    {"q": "热电偶校准 1000℃",
     "rel": {"thermo_dl": 3},
     "must_not": ["thermo_sy"]},
    {"q": "玻璃温度计校准 U≤0.2℃",
     "rel": {"thermo_dl": 3},
     "must_not": ["thermo_sy"]},
    {"q": "电梯定期检验",
     "rel": {"vessel_sy": 3, "se_dl": 3},
     "must_not": ["se_as_expired"]},
    {"q": "吊车检验 盘锦",
     "rel": {"se_pj": 3, "se_dl": 2},
     "must_not": []},
    {"q": "混凝土抗压强度 0-60MPa",
     "rel": {"concrete_sy": 3, "cement_sy": 0},
     "must_not": ["concrete_tl_internal", "cement_sy", "concrete_fs_short"]},
    {"q": "砼试块抗压 沈阳",
     "rel": {"concrete_sy": 3, "concrete_fs_short": 2},
     "must_not": ["concrete_tl_internal", "cement_sy"]},
    {"q": "焊缝超声波探伤",
     "rel": {"ndt_sy": 3, "ndt_as": 1},
     "must_not": []},
    {"q": "无损检测 鞍山",
     "rel": {"ndt_as": 3, "ndt_sy": 2},
     "must_not": []},
    {"q": "盐雾试验 金属涂层",
     "rel": {"salt_dl": 3},
     "must_not": ["salt_sy_only_paint"]},
    {"q": "扭矩扳手校准",
     "rel": {"cmm_sy": 3},
     "must_not": []},
    {"q": "洛氏硬度 HRC",
     "rel": {"steel_as": 3, "steel_ts_hardness": 3},
     "must_not": []},
]  # fmt: skip


def uscc(index: int, city: str) -> str:
    return make_uscc(f"12{CITY[city]}{900_000_000 + index:09d}"[:17])


def main() -> None:
    keys: dict[str, str] = {}
    orgs, quals, caps = [], [], []
    for index, (key, name, kind, city, qualifications, lines) in enumerate(INSTITUTIONS, 1):
        code = uscc(index, city)
        keys[key] = code
        orgs.append([code, name, kind, CITY[city], f"辽宁省{city}市"])
        for type_, number, (valid_from, valid_to, status) in qualifications.values():
            quals.append(
                [code, type_, number, "辽宁省市场监督管理局", valid_from, valid_to, status]
            )
        for q, kind_, obj, param, std, low, high, unit, unc, restr, price, days in lines:
            number = qualifications[q][1]
            caps.append([code, number, kind_, "", obj, param, std, low, high, unit, unc, restr,
                         price, days])  # fmt: skip
    _write("standards.csv", "code,title_zh,title_en,type,status,published_on,effective_on,"
           "replaces,replaced_by,ics,ccs,issuer",
           [[c, t, "", ty, st, "2010-01-01", "2010-06-01", rep, "", "", "", ""]
            for c, t, ty, st, rep in STANDARDS])  # fmt: skip
    _write("orgs.csv", "uscc,name,kind,city_code,address", orgs)
    _write("qualifications.csv", "org_uscc,type,number,issuer,valid_from,valid_to,status", quals)
    _write(
        "capabilities.csv",
        "org_uscc,qualification_no,kind,field,object,parameter,standard,"
        "range_min,range_max,unit,uncertainty,restriction,price_cny,turnaround_days",
        caps,
    )
    needs = []
    for need in NEEDS:
        unknown = (set(need["rel"]) | set(need["must_not"])) - set(keys)
        assert not unknown, unknown
        needs.append(
            {
                "q": need["q"],
                "judgments": {keys[k]: grade for k, grade in need["rel"].items()},
                "must_not": [keys[k] for k in need["must_not"]],
                "keys": {keys[k]: k for k in {*need["rel"], *need["must_not"]}},
            }
        )
    payload = {"today": TODAY, "needs": needs}
    (HERE / "needs.json").write_text(
        json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    print(f"{len(orgs)} institutions, {len(caps)} lines, {len(needs)} needs")


def _write(name: str, header: str, rows: list[list[object]]) -> None:
    with (HERE / name).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header.split(","))
        writer.writerows(rows)


if __name__ == "__main__":
    main()
