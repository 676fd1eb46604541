"""Demo data for the Yuelu District, built in steps.

Each step is a function ``seed(ctx)`` that is idempotent on its own (it inserts only what its natural keys
say is missing) and runs after the steps above it. A capability that needs demo data adds its module here.
"""

STEPS = [
    "demo.core.seed",  # district, streets, stations, staff, deputies, demo accounts
    "demo.media.seed",  # layout pictures, deputies' photos, the "three musts" documents
    "demo.reception.seed",  # reception days 2025 → next month, with deputies on duty
    "demo.visits.seed",  # visit logs, outreach, opinions, practical matters (2025 exact, 2026 to date)
    "demo.deputies_work.seed",  # suggestions, activities, plans, duty reports, surveys (2025 exact, 2026)
    "demo.reports.seed",  # rollups rebuilt, 2025 manual items scored, 2025 evaluation computed
]
