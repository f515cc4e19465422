from ikmtui.cli import main

raise SystemExit(main())
