"""Downloads of the dashboards' tables: CSV and XLSX, aggregate figures only."""
