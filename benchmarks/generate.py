"""A deterministic archive of made-up ward news, for benchmarks: `python benchmarks/generate.py N OUT_DIR [SEED]`.

Writes OUT_DIR/wards.yaml (30 wards) and N articles under OUT_DIR/<ward>/<year>/,
each about 3 KB of Vietnamese text with 3 to 8 tasks, over 11 years and 4
categories. The same N and seed write the same files.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from wardsite.text import slugify  # noqa: E402

WARDS = (
    "Bồ Đề", "Cự Khối", "Đức Giang", "Gia Thụy", "Giang Biên", "Long Biên", "Ngọc Lâm", "Ngọc Thụy",
    "Phúc Đồng", "Phúc Lợi", "Sài Đồng", "Thạch Bàn", "Thượng Thanh", "Việt Hưng", "Hàng Bạc", "Hàng Bồ",
    "Hàng Buồm", "Hàng Đào", "Hàng Gai", "Hàng Mã", "Hàng Trống", "Lý Thái Tổ", "Phan Chu Trinh", "Tràng Tiền",
    "Trần Hưng Đạo", "Chương Dương", "Cửa Đông", "Cửa Nam", "Đồng Xuân", "Phúc Tân",
)
YEARS = tuple(range(2015, 2026))
CATEGORIES = ("Công tác đảng", "Mặt trận - Đoàn thể", "Tin hoạt động", "Văn hóa - Xã hội")
ORGANISATIONS = (
    "MTTQ phường", "Hội Cựu chiến binh", "Hội Liên hiệp Phụ nữ", "Đoàn Thanh niên", "Công đoàn phường",
    "Hội Người cao tuổi", "Văn phòng Đảng ủy", "Ủy ban Kiểm tra Đảng ủy", "các chi bộ", "Ban công tác Mặt trận",
)
EVENTS = (
    "hội nghị giao ban khối Đảng, MTTQ và các đoàn thể", "hội nghị sơ kết công tác sáu tháng đầu năm",
    "lễ kỷ niệm ngày thành lập Mặt trận Tổ quốc Việt Nam", "hội nghị quán triệt nghị quyết của Đảng",
    "ngày hội Đại đoàn kết toàn dân tộc ở khu dân cư", "buổi tập huấn nghiệp vụ công tác kiểm tra, giám sát",
    "đại hội chi bộ nhiệm kỳ mới", "hội nghị đối thoại giữa người đứng đầu cấp ủy với nhân dân",
    "chương trình trao quà cho gia đình chính sách", "lễ ra quân tổng vệ sinh môi trường",
)
TOPICS = (
    "công tác tuyên truyền phòng chống dịch bệnh", "công tác giải phóng mặt bằng", "quy chế dân chủ ở cơ sở",
    "an ninh trật tự trên địa bàn", "vệ sinh môi trường và trật tự đô thị", "phòng cháy chữa cháy",
    "chuyển đổi số và ứng dụng công nghệ thông tin", "xây dựng mô hình dân vận khéo", "công tác an sinh xã hội",
    "phát triển đảng viên mới", "cuộc vận động người Việt Nam ưu tiên dùng hàng Việt Nam",
    "phong trào toàn dân bảo vệ an ninh Tổ quốc", "bầu cử đại biểu Quốc hội và Hội đồng nhân dân các cấp",
    "chăm lo đời sống người cao tuổi", "khuyến học, khuyến tài", "phòng chống bạo lực gia đình",
)
VERBS = (
    "tiếp tục tuyên truyền, vận động", "triển khai thực hiện có hiệu quả", "phối hợp chặt chẽ trong",
    "tập trung chỉ đạo", "rà soát, đánh giá kết quả", "kiểm tra, giám sát việc thực hiện", "tổ chức quán triệt",
    "nâng cao chất lượng", "đẩy mạnh", "chủ động tham mưu về",
)
PEOPLE = (
    "đoàn viên, hội viên", "các tầng lớp nhân dân", "cán bộ, đảng viên", "các tổ dân phố", "thanh thiếu nhi",
    "các hộ gia đình", "cựu chiến binh", "người cao tuổi", "hội viên phụ nữ", "các đơn vị, doanh nghiệp",
)
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý")
MIDDLE = ("Văn", "Thị", "Đức", "Minh", "Hoàng", "Thanh", "Ngọc", "Quang", "Thu", "Hữu")
GIVEN = ("Long", "Hùng", "Lan", "Hương", "Dũng", "Thủy", "Tuấn", "Hà", "Sơn", "Mai", "Cường", "Phương", "Khánh", "Yến", "Đạt")
ROLES = ("Bí thư Đảng ủy", "Phó Bí thư Thường trực Đảng ủy", "Chủ tịch UBMTTQ", "Chủ tịch UBND", "Chủ tịch Hội Cựu chiến binh", "Bí thư Đoàn phường")
CLOSING = (
    "Hội nghị đã thống nhất các nội dung trọng tâm trong thời gian tới.",
    "Các ý kiến phát biểu tập trung vào những khó khăn, vướng mắc ở cơ sở.",
    "Kết quả trên góp phần giữ vững ổn định chính trị và phát triển kinh tế - xã hội của phường.",
    "Nhân dân trên địa bàn đồng tình, hưởng ứng và tích cực tham gia.",
)


def _person(rng: random.Random) -> str:
    return f"đồng chí {rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)} – {rng.choice(ROLES)}"


def _sentence(rng: random.Random, ward: str, year: int) -> str:
    day, month = rng.randint(1, 28), rng.randint(1, 12)
    forms = (
        lambda: f"Ngày {day}/{month}/{year}, Đảng ủy phường {ward} tổ chức {rng.choice(EVENTS)}, {_person(rng)} chủ trì.",
        lambda: f"{rng.choice(ORGANISATIONS).capitalize()} đã {rng.choice(VERBS)} {rng.choice(TOPICS)}, thu hút {rng.randint(30, 900)} {rng.choice(PEOPLE)} tham gia.",
        lambda: f"Phát biểu tại hội nghị, {_person(rng)} ghi nhận kết quả {rng.choice(TOPICS)} của {rng.choice(ORGANISATIONS)} và đề nghị {rng.choice(VERBS)} {rng.choice(TOPICS)}.",
        lambda: f"Trong tháng {month}, phường đã vận động {rng.randint(5, 200)} {rng.choice(PEOPLE)} ủng hộ quỹ Vì người nghèo với tổng số tiền {rng.randint(2, 90)} triệu đồng.",
        lambda: f"Theo báo cáo, {rng.randint(60, 100)}% {rng.choice(PEOPLE)} ở tổ dân phố số {rng.randint(1, 40)} đã tham gia {rng.choice(TOPICS)}.",
        lambda: rng.choice(CLOSING),
    )
    return rng.choice(forms)()


def _body(rng: random.Random, ward: str, year: int, size: int = 3000) -> str:
    paragraphs, length = [], 0
    while length < size:
        paragraph = " ".join(_sentence(rng, ward, year) for _ in range(rng.randint(3, 5)))
        paragraphs.append(paragraph)
        length += len(paragraph.encode("utf-8")) + 2
    return "\n\n".join(paragraphs)


def _task(rng: random.Random) -> dict:
    task = {"text": f"{rng.choice(VERBS).capitalize()} {rng.choice(TOPICS)} đến {rng.choice(PEOPLE)}"}
    if rng.random() < 0.7:
        task["assignee"] = rng.choice(ORGANISATIONS)
    return task


def article_text(rng: random.Random, n: int) -> tuple[str, str]:
    """(relative path, file text) of article number n."""
    ward, year, category = rng.choice(WARDS), rng.choice(YEARS), rng.choice(CATEGORIES)
    month, day, hour, minute = rng.randint(1, 12), rng.randint(1, 28), rng.randint(7, 18), rng.randint(0, 59)
    title = f"{rng.choice(EVENTS).capitalize()} tháng {month}/{year} về {rng.choice(TOPICS)}"
    tasks = [_task(rng) for _ in range(rng.randint(3, 8))]
    lines = [
        "---",
        f"title: {json.dumps(title, ensure_ascii=False)}",
        f"date: {year}-{month:02d}-{day:02d} {hour:02d}:{minute:02d}",
        f"ward: {json.dumps(ward, ensure_ascii=False)}",
        f"category: {json.dumps(category, ensure_ascii=False)}",
        "tasks:",
    ]
    for task in tasks:
        lines.append(f"  - text: {json.dumps(task['text'], ensure_ascii=False)}")
        if "assignee" in task:
            lines.append(f"    assignee: {json.dumps(task['assignee'], ensure_ascii=False)}")
    lines += [f"views: {rng.randint(10, 5000)}", "---", _body(rng, ward, year), ""]
    return f"{slugify(ward)}/{year}/bai-{n:05d}.md", "\n".join(lines)


def wards_yaml() -> str:
    lines = ["# Made-up registry for benchmarks: 30 wards.", "district: Long Biên", "city: Hà Nội", "wards:"]
    lines += [f"  - name: {name}\n    slug: {slugify(name)}" for name in WARDS]
    return "\n".join(lines) + "\n"


def generate(n: int, out_dir: Path, seed: int = 0) -> Path:
    """Write wards.yaml and n articles into out_dir; returns out_dir."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "wards.yaml").write_text(wards_yaml(), encoding="utf-8")
    rng = random.Random(seed)
    for i in range(n):
        rel, text = article_text(rng, i)
        path = out_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return out_dir


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__.splitlines()[0])
    generate(int(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) == 4 else 0)
