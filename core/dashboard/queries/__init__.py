"""One query module per page. SQL lives here, with bound parameters only.

Functions return small, display-ready DataFrames with Korean column labels; pages only lay them
out. Amounts leave here in the unit the user chose.
"""
