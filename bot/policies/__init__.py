"""The policies the bot answers from: the library of current versions, their stored versions,
and the phrasings HR adds."""
