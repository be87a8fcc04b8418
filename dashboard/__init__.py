"""The Streamlit dashboard on the warehouse (`corpus dashboard`): read-only, one short connection per page."""
