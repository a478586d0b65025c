"""The organisation registry: one organisation under every spelling, and errors with their line."""

import os
import subprocess
import sys
import unicodedata

import pytest

from wardsite.organisations import ORGANISATIONS_FILE, Organisations, load_organisations, parse_organisations

from conftest import REPO, article, write_archive


@pytest.fixture(scope="module")
def bundled() -> Organisations:
    registry, errors = load_organisations(REPO / "content")
    assert errors == []
    return registry


def test_the_bundled_registry_loads_without_errors_and_is_closed(bundled):
    assert not bundled.open
    assert len(bundled.organisations) >= 12
    assert bundled.path == REPO / "content" / ORGANISATIONS_FILE


@pytest.mark.parametrize(
    "spellings, slug",
    [
        (["Hội CCB", "Hội Cựu chiến binh", "CCB"], "hoi-cuu-chien-binh"),
        (["Hội LHPN", "Hội Liên hiệp Phụ nữ", "Hội Phụ nữ"], "hoi-lien-hiep-phu-nu"),
        (["MTTQ", "UBMTTQ", "Mặt trận Tổ quốc"], "mat-tran-to-quoc"),
        (["Đoàn thanh niên", "Đoàn TN", "ĐTN", "Đoàn phường"], "doan-thanh-nien"),
        (["Công đoàn", "CĐCS"], "cong-doan"),
        (["Hội Nông dân", "Hội ND"], "hoi-nong-dan"),
        (["Hội Người cao tuổi", "Hội NCT"], "hoi-nguoi-cao-tuoi"),
        (["UBND", "Ủy ban nhân dân"], "uy-ban-nhan-dan"),
        (["Đảng ủy", "ĐU"], "dang-uy"),
    ],
)
def test_every_short_form_and_alias_is_the_same_organisation(bundled, spellings, slug):
    assert {bundled.find(s).slug for s in spellings} == {slug}


def test_matching_ignores_case_unicode_form_and_where_the_tone_mark_sits(bundled):
    women = bundled.find("Hội Liên hiệp Phụ nữ")
    assert bundled.find("HỘI LIÊN HIỆP PHỤ NỮ") == women
    assert bundled.find(unicodedata.normalize("NFD", "Hội Liên hiệp Phụ nữ")) == women
    assert bundled.find("  hội  liên hiệp phụ nữ ") == women
    assert bundled.find("Đảng uỷ").slug == bundled.find("Đảng ủy").slug == "dang-uy"


def test_a_trailing_phuong_or_phuong_and_the_ward_is_tolerated(bundled):
    assert bundled.find("Hội CCB phường").slug == "hoi-cuu-chien-binh"
    assert bundled.find("Hội Cựu chiến binh phường Đức Giang").slug == "hoi-cuu-chien-binh"
    assert bundled.find("MTTQ phường Ngọc Thuỵ:").slug == "mat-tran-to-quoc"
    # `Đoàn phường` is itself an alias: tried before cutting `phường` off.
    assert bundled.find("Đoàn phường Gia Thụy").slug == "doan-thanh-nien"


def test_a_word_after_the_name_that_is_not_a_ward_is_not_ignored(bundled):
    assert bundled.find("Hội CCB quận") is None
    assert bundled.find("Ban Thường vụ Hội CCB") is None


def test_a_standing_joint_formula_is_its_own_organisation_not_the_front_alone(bundled):
    joint = bundled.find("MTTQ và các đoàn thể")
    assert joint.slug == "mttq-va-cac-doan-the"
    assert bundled.find("Mặt trận Tổ quốc và các đoàn thể").slug == joint.slug
    assert bundled.find("MTTQ và các đoàn thể chính trị xã hội").slug == joint.slug


def test_an_assignee_naming_several_organisations_goes_to_the_first_it_names(bundled):
    assert bundled.find("UBND, Công an, các nhà trường").slug == "uy-ban-nhan-dan"
    assert bundled.find("Hội CCB phường và Hội LHPN").slug == "hoi-cuu-chien-binh"
    assert bundled.find("Đảng ủy, Ủy ban nhân dân").slug == "dang-uy"


def test_without_the_joint_entry_the_joint_formula_goes_to_its_first_organisation(tmp_path):
    registry, errors = parse_organisations("organisations:\n  - name: Mặt trận Tổ quốc\n    short: MTTQ\n", tmp_path / ORGANISATIONS_FILE)
    assert errors == []
    assert registry.find("MTTQ và các đoàn thể").name == "Mặt trận Tổ quốc"


def test_when_the_first_named_organisation_is_unknown_the_assignee_is_unknown(bundled):
    assert bundled.find("Tổ công tác đặc biệt và MTTQ") is None
    assert bundled.find("Tổ công tác đặc biệt") is None


def test_without_an_organisations_file_the_registry_is_open_and_knows_nobody(tmp_path):
    registry, errors = load_organisations(tmp_path)
    assert errors == [] and registry.open
    assert registry.find("MTTQ") is None


def _errors(tmp_path, text):
    path = tmp_path / ORGANISATIONS_FILE
    path.write_text(text, encoding="utf-8")
    registry, errors = load_organisations(tmp_path)
    return path, registry, errors


def test_an_organisation_without_a_name_is_reported_at_its_line(tmp_path):
    path, registry, errors = _errors(tmp_path, "organisations:\n  - name: Công đoàn\n  - short: CCB\n")
    assert [str(e) for e in errors] == [f"{path}:3: each organisation needs a `name:`, e.g. `name: Hội Cựu chiến binh`"]
    assert [o.name for o in registry.organisations] == ["Công đoàn"]


def test_aliases_that_are_not_a_list_of_names_are_reported_at_their_line(tmp_path):
    path, _, errors = _errors(tmp_path, "organisations:\n  - name: Hội Cựu chiến binh\n    short: Hội CCB\n    aliases: 5\n")
    assert len(errors) == 1
    assert str(errors[0]).startswith(f"{path}:4: ") and "aliases" in errors[0].message


def test_two_organisations_sharing_a_spelling_is_an_error_at_the_second(tmp_path):
    text = "organisations:\n  - name: Hội Liên hiệp Phụ nữ\n    aliases: [Hội Phụ nữ]\n  - name: Hội phụ nữ\n"
    path, _, errors = _errors(tmp_path, text)
    assert len(errors) == 1 and errors[0].path == path and errors[0].line == 4
    assert "share the spelling" in errors[0].message


def test_an_unknown_key_is_reported_at_its_line_with_the_keys_there_are(tmp_path):
    path, _, errors = _errors(tmp_path, "organisations:\n  - name: Công đoàn\n    alias: [CĐCS]\n")
    assert [(e.path, e.line) for e in errors] == [(path, 3)]
    assert "`alias`" in errors[0].message and "aliases" in errors[0].message


def test_the_slug_of_the_tasks_without_an_organisation_is_reserved(tmp_path):
    _, _, errors = _errors(tmp_path, "organisations:\n  - name: Công đoàn\n  - name: Khác\n    slug: khong-ghi-to-chuc\n")
    assert [e.line for e in errors] == [3]


def test_invalid_yaml_is_reported_at_its_line(tmp_path):
    path, _, errors = _errors(tmp_path, "organisations:\n  - name: Công đoàn\n  - name: [Hội CCB\n")
    assert len(errors) == 1 and errors[0].path == path and errors[0].line in (3, 4)


def test_a_file_without_an_organisations_list_says_what_to_write(tmp_path):
    path, registry, errors = _errors(tmp_path, "- name: Công đoàn\n")
    assert not registry.open
    assert [str(e) for e in errors][0].startswith(f"{path}:1: organisations.yaml needs an `organisations:` list")


def test_registry_errors_stop_the_build_and_are_printed_as_path_line(tmp_path):
    content = write_archive(tmp_path, {"a.md": article()})
    (content / ORGANISATIONS_FILE).write_text("organisations:\n  - short: CCB\n", encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "wardsite.cli", "build", "--content", str(content), "--output", str(tmp_path / "site")],
        cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 1
    assert f"{content / ORGANISATIONS_FILE}:2: each organisation needs a `name:`" in run.stderr
    assert not (tmp_path / "site").exists()
