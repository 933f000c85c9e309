"""The client command line (``outpost COMMAND ...``): a thin layer over the services."""
