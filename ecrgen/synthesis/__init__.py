"""Synthesis, and what makes it fast: the one place that imports CDKTF (`engine`, with the Node
preload in `ecrgen/node/`), accounts -> CDKTF App -> texts (`render`), worker processes (`pool`,
`worker`), incremental hashes (`incremental`) and one run from stale accounts to files (`run`)."""
