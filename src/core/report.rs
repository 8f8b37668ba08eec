//! Reports for people and spreadsheets: CSV and Markdown.
