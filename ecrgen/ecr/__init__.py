"""Parity with terraform_modules/ecr: one construct per AWS concern (`construct` is their base), and
the engine they are built with (`engine`: the one CDKTF import, loaded lazily). Importing this package
starts nothing; importing a construct starts CDKTF."""
