"""Automation: rules, assignment, macros, ticket templates and checklists, offline."""
