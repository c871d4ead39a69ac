"""A realistic sample of the ``servicekit demo`` report (the renderers' input).

``sample_report()`` is the report's JSON form (what ``--json`` prints), for tests to
edit; ``sample()`` is the same report as the typed value the renderers read. It has
32 Chinese cities (including "Xi'an"), a few of them with too few answers to rank,
SLA tables, routing outcomes, a wait histogram, NPS/CSAT/FCR estimates, alerts,
requirements and staffing advice. It is built from a seeded ``random.Random`` so it
is the same on every call.
"""

from __future__ import annotations

import copy
import random
from typing import Any

from servicekit.cli._demo_sections import DemoReport

CITIES = (
    "Shanghai",
    "Beijing",
    "Guangzhou",
    "Shenzhen",
    "Chengdu",
    "Chongqing",
    "Hangzhou",
    "Wuhan",
    "Xi'an",
    "Nanjing",
    "Tianjin",
    "Suzhou",
    "Zhengzhou",
    "Changsha",
    "Dongguan",
    "Shenyang",
    "Qingdao",
    "Hefei",
    "Foshan",
    "Ningbo",
    "Kunming",
    "Jinan",
    "Xiamen",
    "Fuzhou",
    "Harbin",
    "Dalian",
    "Nanning",
    "Changchun",
    "Shijiazhuang",
    "Guiyang",
    "Ürümqi",
    "Lhasa",
)
UNRANKABLE = ("Lhasa", "Ürümqi", "Guiyang")
MIN_N = 30


def est(
    value: float, half: float, n: int, method: str = "wilson", confidence: float = 0.95
) -> dict[str, Any]:
    low, high = value - half, value + half
    return {
        "value": round(value, 3),
        "low": round(low, 3),
        "high": round(high, 3),
        "n": n,
        "method": method,
        "confidence": confidence,
    }


def clipped(value: float, half: float, n: int, method: str) -> dict[str, Any]:
    lo, hi = 0.0, 100.0
    value = min(max(value, lo), hi)
    return {
        "value": round(value, 3),
        "low": round(max(lo, value - half), 3),
        "high": round(min(hi, value + half), 3),
        "n": n,
        "method": method,
        "confidence": 0.95,
    }


def _cities(rng: random.Random) -> dict[str, Any]:
    rows = []
    for city in CITIES:
        n = rng.randint(5, 25) if city in UNRANKABLE else rng.randint(40, 900)
        value = rng.uniform(62, 90)
        half = 150 / n**0.5
        shrunk_value = 76 + (value - 76) * n / (n + 60)
        rows.append(
            {
                "city": city,
                "n": n,
                "index": clipped(value, half, n, "t"),
                "shrunk": clipped(shrunk_value, half * 0.8, n, "empirical-bayes"),
                "rankable": city not in UNRANKABLE,
            }
        )
    ranked = sorted(
        (r for r in rows if r["rankable"]), key=lambda r: -r["index"]["value"]
    )
    shrunk_ranked = sorted(
        (r for r in rows if r["rankable"]), key=lambda r: -r["shrunk"]["value"]
    )
    for position, row in enumerate(ranked, start=1):
        row["rank"] = position
        row["value_rank"] = position
        row["best_rank"] = max(1, position - 2)
        row["worst_rank"] = min(len(ranked), position + 2)
    for position, row in enumerate(shrunk_ranked, start=1):
        row["shrunk_rank"] = position
    top = [r["city"] for r in ranked[:5]]
    bottom = [r["city"] for r in ranked[-3:]]
    for row in rows:
        row.setdefault("rank", None)
        row.setdefault("shrunk_rank", None)
        for key in ("value_rank", "best_rank", "worst_rank"):
            row.setdefault(key, None)
        row["top"] = row["city"] in top
        row["bottom"] = row["city"] in bottom
    return {
        "measure": "satisfaction index (0–100)",
        "min_n": MIN_N,
        "rows": rows,
        "top_k": 5,
        "bottom_k": 3,
        "top": top,
        "bottom": bottom,
        "highest": top,
        "lowest": bottom[::-1],
        "unranked": list(UNRANKABLE),
        "no_answers": [],
        "notes": [
            (
                f"The top 5 ({', '.join(top)}) are the highest raw scores, and the "
                "tests find each better than every city outside the list."
            ),
        ],
    }


def _sla(rng: random.Random) -> dict[str, Any]:
    by_metric = []
    for metric in ("first_response", "next_response", "periodic_update", "resolution"):
        measured = rng.randint(2000, 9000)
        breached = rng.randint(20, 400)
        met = measured - breached
        by_metric.append(
            {
                "metric": metric,
                "measured": measured,
                "met": met,
                "breached": breached,
                "running": rng.randint(0, 120),
                "compliance": clipped(100 * met / measured, 0.8, measured, "wilson"),
            }
        )
    by_priority = []
    for priority in ("urgent", "high", "normal", "low"):
        tickets = rng.randint(300, 5000)
        breached = rng.randint(5, 300)
        by_priority.append(
            {
                "priority": priority,
                "tickets": tickets,
                "breached_tickets": breached,
                "compliance": clipped(
                    100 - 100 * breached / tickets, 1.5, tickets, "wilson"
                ),
            }
        )
    by_policy = [
        {
            "policy": policy,
            "tickets": 4000,
            "breached_tickets": 180,
            "compliance": est(95.5, 0.7, 4000),
        }
        for policy in ("standard", 'vip <gold> & "platinum"')
    ]
    worst = [
        {
            "ticket": f"T-{1000 + i}",
            "city": CITIES[i * 3 % len(CITIES)],
            "policy": "standard",
            "priority": ("urgent", "high", "normal")[i % 3],
            "metric": ("resolution", "first_response")[i % 2],
            "due_at": f"2025-01-{10 + i:02d}T17:30:00+08:00",
            "late_by_seconds": 3600.0 * (30 - i) + 125,
        }
        for i in range(8)
    ]
    return {
        "by_metric": by_metric,
        "by_priority": by_priority,
        "by_policy": by_policy,
        "breaches": {"tickets": 812, "metrics": 1044, "worst": worst},
    }


def _routing(rng: random.Random) -> dict[str, Any]:
    by_city = []
    for city in CITIES:
        median = rng.uniform(15, 400)
        by_city.append(
            {
                "city": city,
                "tickets": rng.randint(50, 1500),
                "agents": rng.randint(2, 40),
                "median_wait_seconds": round(median, 1),
                "mean_wait_seconds": round(median * 1.3, 1),
                "p90_wait_seconds": round(median * rng.uniform(1.5, 6), 1),
            }
        )
    bands = [
        ("< 30 s", 30.0),
        ("30 s – 1 min", 60.0),
        ("1–2 min", 120.0),
        ("2–5 min", 300.0),
        ("5–10 min", 600.0),
        ("10–30 min", 1800.0),
        ("≥ 30 min", None),
    ]
    counts = [5210, 3120, 2210, 1410, 620, 240, 35]
    return {
        "routed": 12845,
        "assigned": 12801,
        "owner_tickets": 3411,
        "to_owner": 3010,
        "dedicated_tickets": 820,
        "to_dedicated_manager": 790,
        "language_tickets": 410,
        "language_matched": 377,
        "escalated": 233,
        "escalation_steps": {"team lead": 180, "supervisor": 44, "head of service": 9},
        "by_city": by_city,
        "wait_histogram": [
            {"label": label, "upper_seconds": upper, "count": count}
            for (label, upper), count in zip(bands, counts, strict=True)
        ],
    }


def _requirements() -> list[dict[str, Any]]:
    return [
        {
            "id": "REQ-001",
            "customer": "Acme Logistics",
            "city": "Xi'an",
            "state": "accepted",
            "rework_count": 1,
            "rediscussion_count": 0,
            "escalated": False,
            "breaches": [],
            "overdue": [],
        },
        {
            "id": "REQ-002",
            "customer": "Hai & Sons",
            "city": "Chengdu",
            "state": "in_acceptance",
            "rework_count": 3,
            "rediscussion_count": 2,
            "escalated": True,
            "breaches": [
                {
                    "kind": "acceptance_deadline",
                    "what": "customer sign-off",
                    "due_at": "2025-01-20T18:00:00+08:00",
                    "at": "2025-01-22T09:15:00+08:00",
                }
            ],
            "overdue": [
                {
                    "what": "rework of delivery note",
                    "party": "provider",
                    "due_at": "2025-01-29T18:00:00+08:00",
                }
            ],
        },
        {
            "id": "REQ-003",
            "customer": "Jade River Trading",
            "city": "Shanghai",
            "state": "draft",
            "rework_count": 0,
            "rediscussion_count": 1,
            "escalated": False,
            "breaches": [],
            "overdue": [],
        },
    ]


def _staffing(rng: random.Random) -> list[dict[str, Any]]:
    rows = []
    for city in CITIES[:12]:
        on_shift = rng.randint(3, 20)
        required = on_shift + rng.randint(-2, 6)
        rows.append(
            {
                "city": city,
                "peak_hour": "10:00-11:00",
                "peak_volume_per_hour": round(rng.uniform(20, 300), 1),
                "aht_seconds": round(rng.uniform(180, 600), 1),
                "agents_on_shift": on_shift,
                "median_wait_seconds": round(rng.uniform(10, 900), 1),
                "required_agents": required,
                "scheduled_agents": max(required, on_shift),
                "service_level_now": round(rng.uniform(0.4, 0.95), 3),
                "service_level_advised": round(rng.uniform(0.8, 0.97), 3),
                "asa_seconds_advised": round(rng.uniform(5, 40), 1),
                "long_waits": 40,
                "long_waits_relaxed": 20,
                "p90_wait_seconds": 2700.0,
                "working_days": 0,
                "days_nobody_on_shift": 0,
                "measured_calls": 0,
                "measured_service_level": None,
                "measured_p90_wait_seconds": 0.0,
            }
        )
    return rows


def sample_report(seed: int = 20250101) -> dict[str, Any]:
    """A fresh, realistic report dict (callers may mutate it)."""
    rng = random.Random(seed)  # noqa: S311 (a sample, not a secret)
    report = {
        "meta": {
            "seed": seed,
            "month": "2025-01",
            "timezone": "Asia/Shanghai",
            "now": "2025-01-31T23:59:59+08:00",
            "days": 31,
            "cities": len(CITIES),
            "agents": 412,
            "part_time_agents": 63,
            "requests": 14210,
            "routed": 12845,
            "survey_answers": 9876,
            "requirements": 3,
        },
        "sla": _sla(rng),
        "routing": _routing(rng),
        "cities": _cities(rng),
        "nps": {
            "estimate": est(31.4, 2.1, 9876, "bootstrap"),
            "promoters": 4870,
            "passives": 3080,
            "detractors": 1926,
        },
        "csat": {
            "top_box": est(78.2, 0.9, 9876),
            "mean": est(4.12, 0.02, 9876, "t"),
        },
        "fcr": {"estimate": est(71.5, 1.1, 6500)},
        "alerts": {
            "follow_up": {
                "count": 143,
                "examples": [
                    {
                        "response": "S-00042",
                        "city": "Xi'an",
                        "reasons": ["detractor", "unresolved"],
                    },
                    {
                        "response": "S-00107",
                        "city": "Harbin",
                        "reasons": ["low rating on agent"],
                    },
                ],
            },
            "high_risk": [
                {
                    "customer": "C-7781",
                    "city": "Wuhan",
                    "unresolved": 4,
                    "reasons": ["repeat contact", "SLA breach"],
                }
            ],
        },
        "requirements": _requirements(),
        "staffing": _staffing(rng),
    }
    return copy.deepcopy(report)


def sample(seed: int = 20250101) -> DemoReport:
    """The sample as the typed report the renderers read."""
    return DemoReport.from_dict(sample_report(seed))
