from chaos.cli.main import app

app(prog_name="chaosrun")
