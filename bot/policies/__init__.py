"""The policies the bot answers from: the library of current versions indexed for matching,
every stored version, and the phrasings HR adds. Uses storage, people and knowledge/."""
