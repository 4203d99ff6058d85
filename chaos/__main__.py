from chaos.cli.entry import main

main()
