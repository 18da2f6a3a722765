# Spack recipe for hpo. Put it in a repo of your own (spack repo create myrepo; copy this to
# myrepo/packages/hpo/package.py; spack repo add myrepo), then: spack install hpo
# It builds against Spack's yaml-cpp, Boost and nlohmann-json, shared (static=False), since
# Spack manages the run-time paths itself.
from spack.package import *


class Hpo(CMakePackage):
    """Asynchronous random search for hyperparameter optimisation on SLURM clusters:
    small tools coordinated only through a directory of atomically renamed files."""

    homepage = "https://example.invalid/hpo"
    git = "https://example.invalid/hpo.git"  # replace with where your site mirrors hpo

    version("main", branch="main")
    version("0.1.0", tag="v0.1.0")

    variant("static", default=False, description="Link yaml-cpp, Boost and libstdc++ statically")

    depends_on("cmake@3.16:", type="build")
    depends_on("yaml-cpp@0.6:")
    depends_on("boost@1.71: +filesystem +program_options")
    depends_on("nlohmann-json@3.9:")
    depends_on("doctest", type="test")
    depends_on("python@3.7:", type="run")

    def cmake_args(self):
        return [
            self.define_from_variant("HPO_STATIC_DEPS", "static"),
            self.define("HPO_BUILD_TESTS", self.run_tests),
        ]
