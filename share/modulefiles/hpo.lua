-- Lmod modulefile for hpo. Copy to <modulepath>/hpo/0.1.0.lua and set `root` to the prefix
-- that `cmake --install build --prefix <root>` used (e.g. $HOME/.local/hpo/0.1.0).
help([[hpo: asynchronous random search on SLURM job arrays (hpo-sample, hpo-submit,
hpo-run, hpo-collect, hpo-report, hpo-campaign). See share/doc/hpo/README.md.]])
whatis("Name: hpo")
whatis("Version: 0.1.0")
whatis("Description: file-based hyperparameter search on SLURM job arrays")

local root = "/opt/hpo/0.1.0"
prepend_path("PATH", pathJoin(root, "bin"))
prepend_path("PYTHONPATH", pathJoin(root, "share/hpo/python"))
setenv("HPO_ROOT", root)
