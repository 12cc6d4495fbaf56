// sekisho: the one command-line entry point; each subcommand lives in its own file.
int main() { return 0; }
