"""The words citizens use for the catalogue's items (DESIGN §2.3): a starting set administrators can edit."""

from django.db import migrations

SYNONYMS = {
    "低保": "最低生活保障",
    "残疾证": "残疾人证",
    "残疾人证件": "残疾人证",
    "盖房子": "宅基地建房",
    "盖房": "宅基地建房",
    "起房子": "宅基地建房",
    "建房子": "建房",
    "修房子": "建房",
    "准生证": "生育登记",
    "生孩子": "生育 出生",
    "生小孩": "生育 出生",
    "生娃": "生育 出生",
    "养老金": "养老保险",
    "农保": "城乡居民养老保险",
    "社保": "社会保险",
    "新农合": "城乡居民基本医疗保险",
    "医保": "医疗保险",
    "看病报销": "医疗费用报销",
    "找工作": "就业",
    "失业金": "失业保险金",
    "老人补贴": "高龄津贴",
    "高龄补贴": "高龄津贴",
    "五保户": "特困人员救助供养",
    "五保": "特困人员救助供养",
    "救济": "救助",
    "危房": "危房改造",
    "农机补贴": "农机购置补贴",
    "种粮补贴": "耕地地力保护补贴",
    "上户口": "出生登记",
    "落户": "户口迁移",
    "结婚证": "结婚登记",
    "营业执照": "个体工商户登记",
    "开店": "个体工商户",
    "退伍": "退役军人",
    "丧葬费": "丧葬补助",
}


def add(apps, schema_editor):
    SearchSynonym = apps.get_model("catalog", "SearchSynonym")
    for phrase, canonical in SYNONYMS.items():
        SearchSynonym.objects.get_or_create(phrase=phrase, defaults={"canonical": canonical})


def remove(apps, schema_editor):
    SearchSynonym = apps.get_model("catalog", "SearchSynonym")
    for phrase, canonical in SYNONYMS.items():
        SearchSynonym.objects.filter(phrase=phrase, canonical=canonical).delete()


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_service_items")]
    operations = [migrations.RunPython(add, remove)]
