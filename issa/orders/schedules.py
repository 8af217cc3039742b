from issa.core.schedules import Job

# BSS-6 / SVC-3: scheduled orders (plan changes at midnight), retries with backoff, drafts whose
# session ended. Every minute: an order is never left waiting for long.
JOBS = [Job(name="orders.run_due", func="issa.orders.tasks.run_due", minutes=1)]
