"""The composition root: the box built from its data folder with its parts
(`assembly`), served by waitress (`server`), the demo (`demo`) and the `edge`
command (`cli`). Nothing below this package imports it."""
