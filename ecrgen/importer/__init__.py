"""`ecrgen import`: read what an AWS account's ECR holds (through `ecrgen.aws`), translate it into an
account file (pure: `translate`, `registry`, `settings`, `toml_text`), check that file as `validate`
does, and write it with its policy templates (all or nothing, through `ecrgen.output`)."""
