"""Readers for the formats HR publishes in: Word, PDF, HTML, and files on disk, with limits.

Each reader turns a document into the plain lines the parser reads (knowledge.structure), and
refuses, with a DocumentError saying why, anything larger, deeper or slower than a policy is.
"""
