from pathlib import Path

from wardsite.registry import Registry, load_registry, parse_registry

from conftest import REPO


def test_the_bundled_registry_holds_the_fourteen_wards_of_long_bien_and_an_unrecorded_entry():
    registry, errors = load_registry(REPO / "content")
    assert errors == []
    recorded = {w.name for w in registry.wards if w.recorded}
    assert recorded == {"Bồ Đề", "Cự Khối", "Đức Giang", "Gia Thụy", "Giang Biên", "Long Biên", "Ngọc Lâm", "Ngọc Thụy",
                        "Phúc Đồng", "Phúc Lợi", "Sài Đồng", "Thạch Bàn", "Thượng Thanh", "Việt Hưng"}
    unrecorded = [w for w in registry.wards if not w.recorded]
    assert len(unrecorded) == 1 and "không ghi" in unrecorded[0].note.lower()


def test_the_bundled_registry_says_what_became_of_each_ward_in_2025():
    registry, _ = load_registry(REPO / "content")
    gia_thuy = registry.find("Gia Thụy")
    july = [e for e in gia_thuy.history if e.date == "2025-07-01"]
    assert july and len(july[0].became) > 1 and "1656/NQ-UBTVQH15" in july[0].text
    sai_dong = registry.find("Sài Đồng")
    assert any(e.date.startswith("2025-01") and "Phúc Lợi" in " ".join(e.became) for e in sai_dong.history)


def test_a_ward_is_found_by_any_spelling_or_its_slug():
    registry, _ = load_registry(REPO / "content")
    assert registry.find("Ngọc Thuỵ").name == "Ngọc Thụy"
    assert registry.find("ngọc thụy").name == "Ngọc Thụy"
    assert registry.find("ngoc-thuy").name == "Ngọc Thụy"


def test_an_unknown_ward_is_not_found_and_the_nearest_name_is_suggested():
    registry, _ = load_registry(REPO / "content")
    assert registry.find("Đức Gang") is None
    assert registry.suggest("Đức Gang") == "Đức Giang"


def test_without_a_registry_every_ward_is_accepted_as_written(tmp_path):
    registry, errors = load_registry(tmp_path)
    assert errors == [] and registry.open
    assert registry.find("Phường Mới").slug == "phuong-moi"


def test_registry_errors_name_the_line():
    text = "wards:\n  - name: Đức Giang\n  - slug: x\n  - name: Bồ Đề\n    aliases: 5\n"
    _, errors = parse_registry(text, Path("wards.yaml"))
    assert [(e.line, "name" in e.message) for e in errors][:1] == [(3, True)]
    assert any(e.line == 5 and "aliases" in e.message for e in errors)


def test_two_wards_sharing_a_spelling_is_an_error():
    _, errors = parse_registry("wards:\n  - name: Gia Thụy\n  - name: Gia Thuỵ\n", Path("wards.yaml"))
    assert len(errors) == 1 and errors[0].line == 3


def test_an_open_registry_is_the_default():
    assert Registry().open
