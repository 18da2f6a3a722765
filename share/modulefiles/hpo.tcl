#%Module1.0
## Environment Modules (Tcl) modulefile for hpo. Copy to <modulepath>/hpo/0.1.0 and set
## `root` to the install prefix (cmake --install build --prefix <root>).
proc ModulesHelp { } {
    puts stderr "hpo: asynchronous random search on SLURM job arrays"
}
module-whatis "hpo 0.1.0: file-based hyperparameter search on SLURM job arrays"
set root /opt/hpo/0.1.0
prepend-path PATH       $root/bin
prepend-path PYTHONPATH $root/share/hpo/python
setenv       HPO_ROOT   $root
