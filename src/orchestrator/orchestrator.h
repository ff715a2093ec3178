// The orchestrator (design.md §3): DAG files, the scheduler, the local executor, templating
// and the metadata store, with Airflow's semantics. This header names the component; its
// parts have headers of their own in this folder.
#pragma once
