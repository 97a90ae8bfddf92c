"""Operations on the data, shared by the HTML views, the JSON API and the CLI."""
