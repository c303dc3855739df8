"""Synthesis, and what makes it fast: accounts -> CDKTF App -> texts (`render`, through the engine that
sits with the constructs, `ecrgen.ecr.engine`), worker processes (`pool`, `worker`), incremental hashes
(`incremental`) and one run from stale accounts to files (`run`)."""
