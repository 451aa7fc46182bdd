"""A policy's structure as the document numbers it: markers, headings, nesting and numbers.

`markers` recognises the numbering people type (`1.`, `(A)`, `§ 39.19`, `52-7-5:` ...), `lines`
turns any stored text (plain, Markdown, HTML) into indented lines, `outline` nests the lines into
sections and items, `numbering` gives each clause its number, citation and stable id, and
`review` says what looks wrong before HR publishes. Nothing here knows a particular policy.
"""
