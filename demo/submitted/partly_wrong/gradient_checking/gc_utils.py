"""Helpers for the gradient-checking assignment.

The network in this assignment has three layers with sizes 4 -> 5 -> 3 -> 1,
so it has 47 parameters:

=====  =======  ==========
name   shape    entries
=====  =======  ==========
W1     (5, 4)   20
b1     (5, 1)   5
W2     (3, 5)   15
b2     (3, 1)   3
W3     (1, 3)   3
b3     (1, 1)   1
=====  =======  ==========

Gradient checking perturbs one number at a time, so it is convenient to roll
every parameter array into one column vector ``theta`` of shape (47, 1) and
to unroll it again. The order of the names in ``PARAMETER_SHAPES`` fixes the
order of the entries in that vector.
"""

import numpy as np

#: Parameter names in the order they are rolled into one vector, with shapes.
PARAMETER_SHAPES = {
    "W1": (5, 4),
    "b1": (5, 1),
    "W2": (3, 5),
    "b2": (3, 1),
    "W3": (1, 3),
    "b3": (1, 1),
}


def sigmoid(x):
    """Logistic function 1 / (1 + exp(-x)), element by element.

    Arguments:
    x -- scalar or numpy array of any shape

    Returns:
    s -- same shape as x, every entry in (0, 1)
    """
    return 1 / (1 + np.exp(-x))


def relu(x):
    """Rectified linear unit max(0, x), element by element.

    Arguments:
    x -- scalar or numpy array of any shape

    Returns:
    a -- same shape as x
    """
    return np.maximum(0, x)


def parameter_slices(shapes=None):
    """Where each parameter array sits inside the rolled-up vector.

    Arguments:
    shapes -- dict name -> shape in rolling order (default PARAMETER_SHAPES)

    Returns:
    slices -- dict name -> slice into a vector of shape (n, 1), same order
    """
    shapes = PARAMETER_SHAPES if shapes is None else shapes
    slices, start = {}, 0
    for name, shape in shapes.items():
        size = int(np.prod(shape))
        slices[name] = slice(start, start + size)
        start += size
    return slices


def dictionary_to_vector(parameters):
    """Roll the parameter arrays into one column vector.

    Arguments:
    parameters -- dict with keys "W1", "b1", "W2", "b2", "W3", "b3" holding
                  arrays of the shapes in PARAMETER_SHAPES

    Returns:
    theta -- numpy array of shape (47, 1): W1, b1, W2, b2, W3, b3, each
             flattened row by row
    keys -- list of 47 names: keys[i] is the array that theta[i] came from
    """
    columns, keys = [], []
    for name in PARAMETER_SHAPES:
        column = np.reshape(parameters[name], (-1, 1))
        columns.append(column)
        keys.extend([name] * column.shape[0])
    return np.concatenate(columns, axis=0), keys


def vector_to_dictionary(theta):
    """Unroll a column vector back into parameter arrays (the inverse of
    dictionary_to_vector).

    Arguments:
    theta -- numpy array of shape (47, 1)

    Returns:
    parameters -- dict name -> array of the shape in PARAMETER_SHAPES; the
                  arrays are copies, so changing them leaves theta alone
    """
    theta = np.asarray(theta)
    return {
        name: theta[where].reshape(PARAMETER_SHAPES[name]).copy()
        for name, where in parameter_slices().items()
    }


def gradients_to_vector(gradients):
    """Roll the gradients of the parameters into one column vector, in the
    same order as dictionary_to_vector rolls the parameters.

    Arguments:
    gradients -- dict with (at least) the keys "dW1", "db1", "dW2", "db2",
                 "dW3", "db3"; other keys such as "dZ1" are ignored

    Returns:
    grad -- numpy array of shape (47, 1)
    """
    return np.concatenate(
        [np.reshape(gradients["d" + name], (-1, 1)) for name in PARAMETER_SHAPES],
        axis=0,
    )


def nd_test_case():
    """The N-D example used throughout the notebook (random seed 1).

    Returns:
    X -- numpy array of shape (4, 3), three examples with four features
    Y -- numpy array of shape (3,), their labels 1, 1, 0
    parameters -- dict "W1", "b1", ..., "b3" with the shapes in
                  PARAMETER_SHAPES, drawn from a standard normal
    """
    np.random.seed(1)
    X = np.random.randn(4, 3)
    Y = np.array([1, 1, 0])
    parameters = {name: np.random.randn(*shape) for name, shape in PARAMETER_SHAPES.items()}
    return X, Y, parameters
