"""Migration revisions, oldest first: 0001 initial schema, 0002 outcomes and actor roles,
0003 the run of absences of a call, 0004 referral statuses, consent, the SMS send log
and contacts."""
