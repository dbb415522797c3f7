"""Seed the spellings offices commonly write in rosters for Dudao's choices.

They were constants in imports/kinds/workers.py; as rows, the district adds the ones its own
files use (and removes any that read wrongly) in the admin site without a release.
"""

from django.db import migrations

SYNONYMS = {
    "post": {
        "secretary": ("书记", "党总支书记", "党支部书记", "居民区书记", "居民区党总支书记"),
        "director": ("主任", "居委主任", "居民委员会主任"),
        "deputy": ("副书记", "副主任", "居委会副主任", "居委副主任", "居民区副书记", "党总支副书记"),
        "member": ("居委会委员", "居委委员", "居民委员会委员", "党总支委员", "党支部委员"),
        "general": ("社工", "专职社工", "社区社工"),
    },
    "education": {
        "junior": ("初中", "小学"),
        "high_school": ("高中", "中专", "职高", "技校", "中技"),
        "junior_college": ("专科", "大学专科"),
        "bachelor": ("大学本科", "学士"),
        "master": ("研究生", "硕士研究生"),
        "doctor": ("博士研究生",),
    },
    "political_status": {
        "cpc": ("党员", "共产党员", "中国共产党党员"),
        "cpc_probationary": ("预备党员", "中国共产党预备党员"),
        "cyl": ("团员", "中国共产主义青年团团员"),
        "democratic_party": (
            "民主党派成员",
            "民革党员",
            "民盟盟员",
            "民建会员",
            "民进会员",
            "农工党党员",
            "致公党党员",
            "九三学社社员",
            "台盟盟员",
        ),
        "masses": ("无党派", "无党派人士"),
    },
    "gender": {"M": ("男性",), "F": ("女性",)},
    "status": {"active": ("在职",), "on_leave": ("休假", "借调"), "left": ("离职", "退休")},
}


def _rows():
    for column, values in SYNONYMS.items():
        for value, spellings in values.items():
            for spelling in spellings:
                yield column, spelling, value


def seed(apps, schema_editor):
    Synonym = apps.get_model("imports", "Synonym")
    Synonym.objects.bulk_create(
        [Synonym(column=c, spelling=s, value=v) for c, s, v in _rows()], ignore_conflicts=True
    )


def unseed(apps, schema_editor):
    Synonym = apps.get_model("imports", "Synonym")
    for column, spelling, value in _rows():
        Synonym.objects.filter(column=column, spelling=spelling, value=value).delete()


class Migration(migrations.Migration):
    dependencies = [("imports", "0005_synonyms_and_warnings")]

    operations = [migrations.RunPython(seed, unseed)]
