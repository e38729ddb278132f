import DeepProvCLI

DeepProvCommand.main()
