# `python -m edge` is kept for old habits; the command lives in appliance.cli.
from appliance.cli import main

main()
