"""Background jobs with progress: long runs (closing a commission period for thousands of
partners, a bulk QBR export) that staff start, watch, cancel and download the result of.

An app registers a *kind* of job (`registry.register_job(JobKind(...))`) from its
`AppConfig.ready()`; a page calls `services.job_start(actor=..., kind=..., params=..., label=...)`
and links to the job's page (`admin:job`), which shows a progress bar that survives a reload
(the counters live in the `Job` row), the failures per item, a Cancel button and the result file.

A worker runs the kind's `run(job, progress)` through `tasks.job_run_task`. Runs must be
**resumable**: a worker killed mid-job is noticed by the beat sweep (`jobs-sweep`, every minute:
a heartbeat older than two minutes) and the job is queued again, and `run` starts from the top
again. So `run` commits its work item by item (or in chunks), skips what an earlier attempt
already did (counting it with `progress.advance()`), and never does an item's effect twice.
"""
