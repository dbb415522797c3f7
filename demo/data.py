"""Fixed tables behind `manage.py seed_demo`: Changning's subdistricts, committees and the name pools.

Nothing here is random; the seeders in `demo.seeders` draw from these tables with a seeded
generator.
Sources: ../shared/DOMAIN.md ("Changning's subdistricts", housing types, careers). Committee
names other than DOMAIN.md's samples are plausible inventions from local road and estate names,
not the official list.
"""

from neighbourhoods.models import HousingType


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Housing-type letters used in COMMITTEES below, to keep the table readable.
_TYPE = {
    "P": HousingType.PUBLIC_RESALE,
    "C": HousingType.COMMERCIAL,
    "F": HousingType.FOREIGN,
    "V": HousingType.VILLA,
    "R": HousingType.RESETTLEMENT,
    "M": HousingType.MIXED,
}

# (statistical code, name, kind). Codes are the national statistical division codes under 310105.
SUBDISTRICTS: tuple[tuple[str, str, str], ...] = (
    ("310105001", "华阳路街道", "street"),
    ("310105002", "江苏路街道", "street"),
    ("310105004", "新华路街道", "street"),
    ("310105005", "周家桥街道", "street"),
    ("310105006", "天山路街道", "street"),
    ("310105008", "仙霞新村街道", "street"),
    ("310105009", "虹桥街道", "street"),
    ("310105010", "程家桥街道", "street"),
    ("310105011", "北新泾街道", "street"),
    ("310105102", "新泾镇", "town"),
)

# Committees per subdistrict at scale 1, "short name + housing-type letter". The public table
# counts 21, 13, 17, 21, 17, 24, 20, 8, 15, 33 (= 189); the seed document says 185, so 新泾镇,
# the largest, gives up four (29). The letters give a district mix of about 42% 售后公房,
# 24% 商品房, 10% 动迁安置房 (新泾镇/北新泾/程家桥), 8% 涉外 (古北/虹桥), 6% 老洋房
# (华阳/江苏路/新华路) and 10% 混合型.
_COMMITTEES_TEXT: dict[str, str] = {
    "310105001": (
        "华一P 华三P 华五P 秀水P 武夷V 长宁M 大西P 姚家角P 陶家宅P 飞乐M 金谷C 利西P 徐家宅P "
        "定西M 安化P 华阳C 镇宁V 凯旋C 西一P 西二P 江南C"
    ),
    "310105002": "愚三V 岐山V 曹家堰P 北汪P 西浜P 华山V 长新M 万村P 东浜P 江苏M 愚园V 安西C 福世C",
    "310105004": (
        "番禺V 香花P 新华V 法华M 梅泉P 牛桥浜P 陈家巷P 泰安M 安顺P 平武C 杨宅P 左家宅P 淮海V "
        "外贸F 上影M 红庄C 幸福P"
    ),
    "310105005": (
        "周家桥P 宣化P 遵义P 天原一村P 天原二村P 天原三村P 华院M 中山P 长支一村P 长支二村P "
        "仁恒河滨F 上海春天C 中山公园C 苏河C 长宁新城C 锦屏C 福安P 万航M 凯桥C 潘家宅R 三泾P"
    ),
    "310105006": (
        "天山一村P 天山二村P 天山三村P 天山四村P 天山五村P 天山星城C 茅台P 紫云M 娄山P 玉屏C "
        "天支P 芙蓉江C 延西M 天义C 中紫F 新天山C 中华园C"
    ),
    "310105008": (
        "仙霞P 虹旭P 仙霞一村P 仙霞二村P 仙霞三村P 仙霞四村P 仙霞五村P 仙霞六村P 虹古C 威宁P "
        "水城M 安龙P 虹仙P 仙逸C 大金更P 茅台新苑C 虹景C 仙霞西M 金平P 古宋P 绿园C 虹铭F 芙蓉C "
        "仙安R"
    ),
    "310105009": (
        "古北荣华第一F 古北荣华第二F 古北荣华第三F 古北新城F 古北国际F 荣华东F 虹桥新村P 虹桥M "
        "伊犁P 玛瑙F 兴义C 红宝石F 黄金城道F 名都城C 虹桥公寓F 虹储P 水城南C 虹中V 锦绣C 虹井P"
    ),
    "310105010": "程桥一村P 程桥二村R 哈密新村R 上航新村P 西郊F 程家桥R 沁春园C 西郊庄园V",
    "310105011": (
        "新泾一村第一P 新泾一村第二P 新泾二村P 新泾三村P 北新泾M 平塘R 剑河R 天山西C 北渔R "
        "泾南P 协和C 金钟R 绿苑C 新泾家园C 泾西P"
    ),
    "310105102": (
        "屈家桥R 新泾五村P 新泾六村P 新泾七村P 新泾八村P 淞虹R 淞虹苑C 北翟R 福泉P 福泉北R "
        "天山河C 新泾苑C 剑河家苑R 空港R 临空C 周家浜R 新渔R 西渔M 中新泾P 华松C 光华M 泾华C "
        "天山西苑C 金浜P 虹园C 双流M 哈密北R 可乐C 绿泾C"
    ),
}

COMMITTEES: dict[str, tuple[tuple[str, str], ...]] = {
    code: tuple((item[:-1], _TYPE[item[-1]]) for item in text.split())
    for code, text in _COMMITTEES_TEXT.items()
}
COMMITTEE_SUFFIX = "居委会"

# Households (户数) per committee by primary housing type: big public-housing and resettlement
# estates, small villa and foreign-oriented areas. DOMAIN range 800–3,500.
HOUSEHOLDS: dict[str, tuple[int, int]] = {
    HousingType.PUBLIC_RESALE: (1500, 3500),
    HousingType.COMMERCIAL: (900, 2600),
    HousingType.FOREIGN: (800, 1800),
    HousingType.VILLA: (800, 1500),
    HousingType.RESETTLEMENT: (1600, 3500),
    HousingType.MIXED: (1000, 3000),
}

# Surnames with rough weights: national frequency, with the Shanghai-frequent 陆 顾 沈 徐 朱 周
# (and 张 王 陈) weighted up.
_SURNAMES_TEXT = (
    "王60 李40 张55 刘30 陈55 杨25 黄30 赵20 吴30 周40 徐45 "
    "孙20 马12 朱40 胡18 郭10 何12 高12 林12 罗8 郑12 梁8 "
    "谢10 宋8 唐12 许12 韩6 冯8 邓6 曹10 彭6 曾5 肖5 田5 董8 "
    "袁8 潘10 于5 蒋12 蔡10 余6 杜5 叶10 程6 苏6 魏5 吕5 丁8 "
    "任4 沈40 姚10 卢5 姜5 崔3 钟5 谭3 陆45 汪10 范8 金12 石4 "
    "廖3 贾3 夏6 韦2 付3 方8 白3 邹4 孟3 熊3 秦5 邱4 江5 尹3 "
    "薛5 闫2 段2 雷2 侯3 龙2 史4 陶6 黎2 贺3 顾40 毛5 郝2 龚8 "
    "邵8 万3 钱12 严8 覃1 武3 戴8 莫3 孔3 向2 汤6 "
)
SURNAMES: tuple[tuple[str, int], ...] = tuple(
    (item[0], int(item[1:])) for item in _SURNAMES_TEXT.split()
)

# Given names: a quarter single characters, the rest common two-character names, kept apart by
# gender. Random pairs of characters read as odd names, so the two-character names are listed.
FEMALE_GIVEN_1 = (
    "丽静敏燕艳娟霞萍玲芳红英华琳婷洁雯琼莉慧颖倩蕾佳怡欣晶瑾瑜菁蓓岚雪梅兰凤君珍悦妍琪璐薇"
)
FEMALE_GIVEN_2 = _words(
    "丽华 秀英 美玲 晓燕 晓红 晓敏 丽娟 静怡 雯婷 佳怡 婷婷 慧敏 海燕 春燕 雪梅 玉兰 凤英 秀兰 "
    "桂英 丽萍 琳琳 蕾蕾 艳萍 燕萍 佩华 敏华 雅琴 雅萍 文静 思琪 梦婷 佳琪 欣怡 诗琪 晓雯 晓丽 "
    "晓静 晓婷 晓蕾 晓岚 菁菁 丽丽 莉莉 红霞 彩霞 建英 建萍 美华 美娟 静雯 蓓蕾 海英 海萍 玉珍 "
    "巧玲 月华 月琴 慧琳 慧娟 颖华 琼华 亚萍 亚琴 卫红 卫萍 雪芳 雪琴 倩雯 佳颖 怡雯 沁怡 嘉怡 "
    "雨婷 梦洁 佳慧 丹丹 颖颖 晶晶 洁琼 秋萍 秋月 凤娣 伟芳 炜华 瑛瑛 蕴华 琦雯 思佳 诗韵 佳蕾 "
    "婉婷 雅婷 心怡 语嫣 欣妍 莺莺 玮琳 敏洁"
)
MALE_GIVEN_1 = "伟强磊军勇杰涛斌超明刚平辉鹏飞鑫波宁俊峰浩宇晨凯旭东诚亮毅骏翔彬栋庆忠炜剑铭睿麟骁"
MALE_GIVEN_2 = _words(
    "建国 建华 建明 建军 国庆 国华 国强 伟民 伟明 志强 志明 志刚 海峰 海涛 晓东 晓明 晓峰 晓军 "
    "俊杰 俊峰 文杰 文斌 浩然 子豪 宇航 家豪 嘉伟 佳俊 天翔 一鸣 立新 卫东 卫国 永康 永明 荣华 "
    "春华 明华 德明 振华 金龙 金华 庆华 新民 为民 敏杰 忠良 雪峰 剑锋 骏杰 嘉诚 佳乐 思远 奕辰 "
    "晨阳 逸飞 德华 建平 永刚 文龙"
)

# Address codes of the resident ID (GB 11643): most workers were born in Changning (310105),
# some elsewhere in Shanghai, some in other provinces.
ADDRESS_CODES: tuple[tuple[str, int], ...] = (
    ("310105", 58),  # 长宁区
    ("310104", 5),  # 徐汇区
    ("310106", 4),  # 静安区
    ("310107", 5),  # 普陀区
    ("310112", 5),  # 闵行区
    ("310115", 5),  # 浦东新区
    ("320102", 3),  # 南京市玄武区
    ("330106", 3),  # 杭州市西湖区
    ("340104", 3),  # 合肥市蜀山区
    ("420106", 3),  # 武汉市武昌区
    ("320583", 2),  # 昆山市
    ("330402", 2),  # 嘉兴市南湖区
    ("360102", 2),  # 南昌市东湖区
)

MOBILE_PREFIXES = _words(
    "130 131 132 133 134 135 136 137 138 139 150 151 152 153 155 156 157 158 159 "
    "170 173 176 177 178 180 181 182 183 185 186 187 188 189 191 198 199"
)

# Majors other than social work; weights are rough.
MAJORS: tuple[tuple[str, int], ...] = (
    ("行政管理", 14),
    ("汉语言文学", 12),
    ("会计学", 10),
    ("法学", 8),
    ("计算机科学与技术", 7),
    ("公共事业管理", 10),
    ("护理学", 5),
    ("心理学", 4),
    ("工商管理", 8),
    ("英语", 6),
    ("社会学", 4),
    ("市场营销", 5),
    ("经济学", 4),
    ("人力资源管理", 5),
    ("新闻学", 2),
    ("文秘", 4),
)
SOCIAL_WORK_MAJOR = "社会工作"

SUPERVISOR_ORGANISATION = "长宁区社会工作协会"

# What supervision logs say (demo/seeders/sessions.py draws from these).
MENTOR_TOPICS = [
    "楼组长议事会的组织与主持",
    "如何回应居民的加装电梯诉求",
    "垃圾分类中的居民动员",
    "老旧小区停车矛盾的协商",
    "新任社工的入户走访技巧",
    "社区志愿者队伍的培育",
    "居民自治公约的修订",
    "与物业、业委会的三方协调",
    "困难群体的需求评估",
    "社区活动方案的策划与评估",
]
DRILL_TOPICS = [
    "议题形成演练：从居民诉求到公共议题",
    "协商议事会情景模拟",
    "治理资源盘点与地图绘制",
    "自治项目申报演练",
    "监督评议会的组织演练",
    "多元主体动员的角色扮演",
]
RAISED = [
    "居民参与不积极，议事会常常只来几位老人。",
    "业委会与物业意见对立，居委会夹在中间。",
    "加装电梯低层住户反对，协调多次无进展。",
    "志愿者骨干老龄化，年轻人很难动员。",
    "外籍居民较多，沟通渠道有限。",
    "动迁安置小区的公共空间被占用，居民投诉多。",
]
GUIDANCE = [
    "先从楼组骨干入手，分楼栋召开小范围恳谈会，再汇总成议题。",
    "明确三方的职责边界，用协商议事规则约束发言，会后形成书面纪要。",
    "用入户访谈梳理低层住户的具体顾虑，寻找补偿与共识方案。",
    "结合青年的兴趣设计短周期项目，降低参与门槛。",
    "借助涉外志愿者和双语通知建立沟通渠道。",
    "把问题清单化，按轻重缓急排序，逐项明确责任人和时限。",
]
ACTIONS = [
    "召开楼组长恳谈会",
    "整理居民诉求清单",
    "起草议事规则草案",
    "走访低层住户并记录意见",
    "联系街道社区办争取项目资金",
    "撰写本次活动小结",
]
REFLECTIONS = [
    "这次督导让我明白了先听后说的重要性。",
    "议题要从居民身边的小事找，我下次会先做走访。",
    "协商规则很实用，准备在下次议事会上试用。",
    "",
    "",
]
PLACES = ["居委会会议室", "社区党群服务站", "街道社工站", "睦邻中心活动室"]
