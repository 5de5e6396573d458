"""Many datasets at once: one job per municipality folder on a Dask cluster.

``jobs`` holds what one job does (``plan_job``, ``gaps_job``: read one folder,
write its results whole or not at all, return a ``JobResult``, never raise);
``cluster`` opens a ``dask.distributed`` client (a ``LocalCluster`` of processes
or a scheduler's address) and runs the jobs with progress; ``threads`` splits the
machine's cores between processes and the threads inside a job; ``summary`` is
the national table (``summary.csv``). The package sits above the doors it runs
(planning, municipality) and below the command line.
"""
