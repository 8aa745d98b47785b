"""How long a PDF notice takes to render: the first call of a process (it parses the font) and the calls after it.

    .venv/bin/python bench/notices.py [--repeat 50]

Prints milliseconds and sizes for a one-page 补正材料一次性告知书 with three materials and for one of 60 materials
(several pages, laid out twice to number them). Target: a one-page notice well under 500 ms after the first call.
"""

from __future__ import annotations

import argparse
import datetime
import statistics
import time

from bianmin.documents.pdf import Notice, render

HEADER = ("序号", "材料名称", "要求", "份数")


def sample(rows: int) -> Notice:
    materials = tuple(
        (str(i), f"第{i}项证明材料", "原件及复印件各一份，复印件由申请人签字确认", "1") for i in range(1, rows + 1)
    )
    return Notice(
        title="补正材料一次性告知书",
        doc_number="白帝镇补告〔2026〕第20261126000012号",
        addressee="张三：",
        paragraphs=(
            "你于2026年11月20日提出的最低生活保障申请，经审查，申请材料不齐全，现一次性告知需要补正的全部材料如下：",
        ),
        table=(HEADER, *materials),
        issuer="奉节县白帝镇人民政府",
        issued_on=datetime.date(2026, 11, 26),
        case_number="20261126000012",
        footer_lines=("咨询电话：023-56551234",),
    )


def timed(notice: Notice) -> tuple[float, int]:
    start = time.perf_counter()
    size = len(render(notice))
    return (time.perf_counter() - start) * 1000, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    first, _ = timed(sample(3))
    print(f"first call (parses the font): {first:.0f} ms")
    for rows in (3, 60):
        runs = [timed(sample(rows)) for _ in range(args.repeat)]
        times = sorted(ms for ms, _ in runs)
        p95 = times[int(0.95 * (len(times) - 1))]
        print(f"{rows:>2} materials: median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, {runs[0][1]:,} bytes")


if __name__ == "__main__":
    main()
