"""gdc-publisher: catalog-as-code for Thai government open data on data.go.th (CKAN + thai_gdc)."""

__version__ = "0.1.0"
