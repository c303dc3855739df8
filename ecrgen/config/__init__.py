"""The config wing: account files -> frozen, typed `Account` models; all validation of user input.

`files` finds and reads the files, `schema` declares their shape, `defaults` holds every default value,
`load` parses TOML and reports shape errors, `resolve` (with one module per table) applies the
defaults and wires each field to its AWS rule in `ecrgen.rules`; `model` is what comes out. No CDKTF
import anywhere here, so `ecrgen validate` never starts Node.
"""
