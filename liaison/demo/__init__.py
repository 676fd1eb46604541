"""Demo data for the Yuelu District, built in steps.

Each step is a function ``seed(ctx)`` that is idempotent on its own (it inserts only what its natural keys
say is missing) and runs after the steps above it. A capability that needs demo data adds its module here.
"""

STEPS = [
    "liaison.demo.core.seed",  # district, streets, stations, staff, deputies, demo accounts
    "liaison.demo.reception.seed",  # reception days 2025 → next month, with deputies on duty
]
