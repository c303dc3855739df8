"""The config wing: account files -> frozen, typed `Account` models; all validation of user input.

`files` finds and reads the files, `schema` declares their shape and `shape_errors` words its errors,
`defaults` holds every default value, and `load` parses each file and resolves it: one module per
table (`account`, `backend`, `repositories`, `lifecycle`, `role`, `registry`, `alerts`, `retired`)
applies the defaults and wires each field to its AWS rule in `ecrgen.rules`. `model` is what comes
out, and `clashes` checks the accounts against each other. No CDKTF import anywhere here, so
`ecrgen validate` never starts Node.
"""
