from saferspaces.core.framework.cli import main

main()
