"""Pure AWS rules: no I/O and no CDKTF. Each function returns problems as (sub-path, message) pairs.

Every rule cites the AWS page it codifies, so a reader can check it against AWS, not against us.
"""

Found = list[tuple[str, str]]
